from django import template

from catalog.markup import markdown_inline, markdown_render

register = template.Library()

register.filter("markdown", markdown_render)
register.filter("markdown_inline", markdown_inline)
