"""django-filter, made cheap per request: filter copies and the form class.

django-filter deep-copies every filter for each FilterSet instance and builds
a new form class (with every field) for each; with about 70 filters, their
querysets and widgets, that cost more than the catalogue's queries. Both are
avoidable because of how django-filter uses a filter per instance:

- `FilterSet.__init__` deep-copies `base_filters`, then sets each copy's
  `model` and `parent`;
- a filter's other per-instance state is its `extra` dict (choice and model
  filters store their queryset there when the field is built) and, for a
  `method=` filter, the `FilterMethod` helper bound to that filter.

So a shallow copy with its own `extra` and a method helper re-bound to the
copy is a faithful copy, and the form fields can be built once per FilterSet
class (Django's forms copy their fields per form instance anyway). The
contract tests pin each of these points.
"""

import copy


def copy_filter(original):
    """A copy of `original` that shares nothing django-filter sets per instance."""
    copied = copy.copy(original)
    copied.extra = dict(original.extra)
    if original.method is not None:
        # Setting `method` binds a new FilterMethod to the copy.
        copied.method = original.method
    return copied


class FilterCopies(dict):
    """`base_filters` whose per-instance deep copy is `copy_filter` of each."""

    def __deepcopy__(self, memo):
        return {name: copy_filter(f) for name, f in self.items()}


class FormClassPerFilterSet:
    """FilterSet mixin: one form class per FilterSet class, built once.

    The fields do not depend on the request (choices from querysets are
    re-read each time the form is rendered), so the class built from the
    first copies of `base_filters` serves every instance.
    """

    @classmethod
    def cached_form_class(cls):
        if "_cached_form_class" not in cls.__dict__:
            fields = {
                name: copy_filter(f).field for name, f in cls.base_filters.items()
            }
            cls._cached_form_class = type(
                f"{cls.__name__}Form", (cls._meta.form,), fields
            )
        return cls._cached_form_class

    def get_form_class(self):
        return self.cached_form_class()
