"""The views kernel: a form handed to one service, its result, its errors and its message."""

from types import SimpleNamespace

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.views.generic import FormView

from coprod.views import ServiceFormMixin


class NameForm(forms.Form):
    name = forms.CharField()


class NamingView(ServiceFormMixin, FormView):
    """A page whose service names a thing, or refuses with whatever `refusal` says."""

    form_class = NameForm
    template_name = "includes/form.html"
    refusal: ValidationError | None = None

    def call_service(self, form):
        if self.refusal is not None:
            raise self.refusal
        return SimpleNamespace(pk=7, name=form.cleaned_data["name"])

    def get_success_message(self, form, result):
        return f"“{result.name}” named."

    def get_success_url(self):
        return f"/things/{self.result.pk}/"


def post(view_class, data, path="/things/new/", **initkwargs):
    request = RequestFactory().post(path, data)
    request._messages = CookieStorage(request)
    return request, view_class.as_view(**initkwargs)(request)


def test_it_sends_the_services_result_to_the_success_url_and_message():
    request, response = post(NamingView, {"name": "Kettle"})

    assert response.status_code == 302
    assert response["Location"] == "/things/7/"
    assert [str(m) for m in get_messages(request)] == ["“Kettle” named."]


def test_it_goes_back_to_the_same_page_by_default():
    class SamePageView(NamingView):
        success_message = "Saved."

        def get_success_message(self, form, result):
            return self.success_message

        get_success_url = ServiceFormMixin.get_success_url

    request, response = post(SamePageView, {"name": "Kettle"}, path="/things/3/edit/")

    assert response["Location"] == "/things/3/edit/"
    assert [str(m) for m in get_messages(request)] == ["Saved."]


def test_it_puts_a_fields_refusal_next_to_the_field():
    refusal = ValidationError({"name": "That name is taken."})
    request, response = post(NamingView, {"name": "Kettle"}, refusal=refusal)

    assert response.status_code == 200
    form = response.context_data["form"]
    assert form.errors["name"] == ["That name is taken."]
    assert form.non_field_errors() == []
    assert list(get_messages(request)) == []


def test_it_puts_a_refusal_of_no_field_at_the_top():
    refusal = ValidationError({"colour": "Kettles are not blue.", "__all__": "Not today."})
    request, response = post(NamingView, {"name": "Kettle"}, refusal=refusal)

    form = response.context_data["form"]
    assert form.non_field_errors() == ["Kettles are not blue.", "Not today."]
    assert "name" not in form.errors
    assert list(get_messages(request)) == []


def test_it_keeps_a_refusals_code_for_the_stale_page_check():
    refusal = ValidationError("Someone else changed it.", code="stale")
    _, response = post(NamingView, {"name": "Kettle"}, refusal=refusal)

    assert response.context_data["form"].has_error("__all__", code="stale")


def test_an_invalid_form_never_reaches_the_service():
    class CountingView(NamingView):
        calls = 0

        def call_service(self, form):
            CountingView.calls += 1
            return super().call_service(form)

    _, response = post(CountingView, {"name": ""})

    assert response.status_code == 200
    assert CountingView.calls == 0


def test_a_view_may_answer_a_refusal_its_own_way():
    class AskingView(NamingView):
        refusal = ValidationError("A thing like this exists.", code="duplicate")

        def service_refused(self, form, error):
            if error.code == "duplicate":
                return self.render_to_response(self.get_context_data(form=form, asked=True))
            return super().service_refused(form, error)

    request, response = post(AskingView, {"name": "Kettle"})

    assert response.context_data["asked"] is True
    assert not response.context_data["form"].errors
    assert list(get_messages(request)) == []
