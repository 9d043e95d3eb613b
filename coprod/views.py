"""View code every app shares: a POST-only action, and a form handed to one service.

This is the bottom layer: it knows Django and the kernel's form helpers, never a
domain app. An app's mixins for its own objects live in that app's `mixins.py`.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.views.generic import View
from django.views.generic.edit import BaseFormView

from coprod.formerrors import add_service_errors

if TYPE_CHECKING:
    # What the mixin expects to be mixed into, named for the type checker only.
    _FormViewBase = BaseFormView[forms.BaseForm]
else:
    _FormViewBase = object


class PostActionView(View):
    """A POST-only action: do it, say what happened (or what stopped it), go back."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            message = self.act()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
            self.after_success()
        return redirect(self.done_url())

    def act(self) -> str:
        raise NotImplementedError

    def after_success(self) -> None:
        """Anything more to say once the success is said (who a message will not reach)."""

    def done_url(self) -> str:
        raise NotImplementedError


class ServiceFormMixin(_FormViewBase):
    """For a FormView whose valid form is handed to one service.

    The view says what to call in `call_service(form)` and returns what the
    service returns. When the service refuses with a ValidationError,
    `service_refused` puts each message next to its field (or at the top of
    the form) and shows the page again through `form_invalid`, so
    `StaleFormMixin` still tells a stale page apart. When it succeeds, its
    result is kept in `self.result`, the message from
    `get_success_message(form, result)` is said, `after_success()` may say
    more, and the person goes to `get_success_url()`: by default the same page
    again, so a reload never posts twice.

    Put it before the view's own mixins and FormView, after `StaleFormMixin`.
    """

    success_message = ""
    result: Any = None

    def call_service(self, form: forms.BaseForm) -> Any:
        """Call the service with what the form holds, and return its result."""
        raise NotImplementedError

    def get_success_message(self, form: forms.BaseForm, result: Any) -> str:
        return self.success_message

    def after_success(self) -> None:
        """Anything more to say once the success is said (who a message will not reach)."""

    def service_refused(self, form: forms.BaseForm, error: ValidationError) -> HttpResponse:
        """Show the form again with the service's reasons on it."""
        add_service_errors(form, error)
        return self.form_invalid(form)

    def get_success_url(self) -> str:
        if getattr(self, "success_url", None):
            return super().get_success_url()
        return self.request.path

    def form_valid(self, form: forms.BaseForm) -> HttpResponse:
        try:
            result = self.call_service(form)
        except ValidationError as error:
            return self.service_refused(form, error)
        self.result = result
        message = self.get_success_message(form, result)
        if message:
            messages.success(self.request, message)
        self.after_success()
        return HttpResponseRedirect(self.get_success_url())
