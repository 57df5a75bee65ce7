"""The Jinja2 environment of the catalogue fragments: escaping and helpers."""

from django.template import engines
from django.urls import reverse
from django.utils.safestring import mark_safe


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_values_are_escaped_and_safe_strings_are_not():
    html = render("{{ a }}|{{ b }}", a="<b>&'\"", b=mark_safe("<i>x</i>"))
    assert html == "&lt;b&gt;&amp;&#39;&#34;|<i>x</i>"


def test_url_static_and_query_string():
    html = render(
        "{{ url('catalogue:export', 'csv') }} {{ static('css/catalogue.css') }} "
        "{{ [('name', 'a b'), ('x', '&')]|query_string(page=2) }}"
    )
    export, css, query = html.split(" ")
    assert export == reverse("catalogue:export", args=["csv"])
    assert css.endswith("css/catalogue.css")
    assert query == "name=a+b&amp;x=%26&amp;page=2"
