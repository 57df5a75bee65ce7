"""StreamField blocks shared by every page type (bakerydemo's `BaseStreamBlock`).

Each block renders through its own template in `templates/blocks/`.
"""

from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageChooserBlock


class CalloutBlock(blocks.StructBlock):
    """A highlighted note: title and short rich text."""

    title = blocks.CharBlock(required=False)
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        template = "blocks/callout_block.html"
        description = "A highlighted box for an announcement or warning"


class ImageBlock(blocks.StructBlock):
    """An image with caption and credit; served publicly by Wagtail's image view."""

    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False)
    attribution = blocks.CharBlock(required=False)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        description = "An image with an optional caption and credit"


class TableStructBlock(blocks.StructBlock):
    """A small editable table (first row as header) with a caption."""

    caption = blocks.CharBlock(required=False)
    table = TableBlock()

    class Meta:
        icon = "table"
        template = "blocks/table_block.html"
        description = "A table of values, e.g. survey fields or thresholds"


class CatalogueLinkValue(blocks.StructValue):
    def url(self):
        """The catalogue URL with the editor's filters, re-encoded safely."""
        query = urlencode(parse_qsl(self.get("query") or ""))
        base = reverse("catalogue:list")
        return f"{base}?{query}" if query else base


class CatalogueLinkBlock(blocks.StructBlock):
    """A button into the catalogue with filters, e.g. `observation=SB50230`."""

    label = blocks.CharBlock()
    query = blocks.CharBlock(
        required=False,
        help_text=(
            "Catalogue filters as a query string, as in the catalogue's address "
            "bar after '?', e.g. name=J2214&peak_map_min=5 (fluxes in mJy, "
            "as the catalogue shows them)"
        ),
    )
    description = blocks.CharBlock(required=False)

    class Meta:
        icon = "link"
        template = "blocks/catalogue_link_block.html"
        description = "A link to the catalogue with filters applied"
        value_class = CatalogueLinkValue

    def clean(self, value):
        value = super().clean(value)
        query = (value.get("query") or "").strip().lstrip("?")
        if "://" in query or query.startswith("/"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "query": ValidationError(
                        "Give only the filters after '?', not a full address."
                    )
                }
            )
        value["query"] = query
        return value


class BaseStreamBlock(blocks.StreamBlock):
    """The blocks an editor can use in any page body."""

    heading = blocks.CharBlock(
        form_classname="title", icon="title", template="blocks/heading_block.html"
    )
    paragraph = blocks.RichTextBlock(
        icon="pilcrow", template="blocks/paragraph_block.html"
    )
    callout = CalloutBlock()
    image = ImageBlock()
    table = TableStructBlock()
    catalogue_link = CatalogueLinkBlock()
