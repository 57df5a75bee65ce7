"""StreamField blocks shared by every page type (bakerydemo's `BaseStreamBlock`)."""

from wagtail import blocks


class CalloutBlock(blocks.StructBlock):
    """A highlighted note: title and short rich text."""

    title = blocks.CharBlock(required=False)
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        template = "blocks/callout_block.html"
        description = "A highlighted box for an announcement or warning"


class BaseStreamBlock(blocks.StreamBlock):
    """The blocks an editor can use in any page body."""

    heading = blocks.CharBlock(
        form_classname="title", icon="title", template="blocks/heading_block.html"
    )
    paragraph = blocks.RichTextBlock(
        icon="pilcrow", template="blocks/paragraph_block.html"
    )
    callout = CalloutBlock()
