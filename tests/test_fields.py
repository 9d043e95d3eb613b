"""The kernel's form fields: the quick <select> and choices read without a server-side cursor."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coprod.fields import ModelChoiceField, QuickSelect
from participants.models import ProjectRole

pytestmark = pytest.mark.django_db


def _tidy(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", "2"])
def test_the_quick_select_writes_what_djangos_select_writes(value):
    choices = [("", "Any"), ("1", "Tom & Jerry's <b>"), ("2", "Two")]
    attrs = {"id": "id_pick", "class": "form-select", "aria-describedby": "pick-help"}
    quick = QuickSelect(choices=choices).render("pick", value, attrs)
    django = forms.Select(choices=choices).render("pick", value, attrs)
    assert _tidy(quick) == _tidy(django)
    assert "Tom &amp; Jerry&#x27;s &lt;b&gt;" in quick


def test_a_model_choice_field_reads_its_options_in_one_query(world):
    role = world.org.project_roles.get(name="Co-lead")

    class PickForm(forms.Form):
        role = ModelChoiceField(queryset=None, widget=QuickSelect, empty_label="Any")

    form = PickForm({"role": role.pk})
    form.fields["role"].queryset = ProjectRole.objects.filter(organisation=world.org)
    django = forms.Select(choices=form.fields["role"].choices).render("role", role.pk)

    with CaptureQueriesContext(connection) as queries:
        html = str(form["role"])

    assert len(queries) == 1
    assert "DECLARE" not in queries[0]["sql"]
    assert f'<option value="{role.pk}" selected>Co-lead</option>' in html
    assert _tidy(html).split(">", 1)[1] == _tidy(django).split(">", 1)[1]
