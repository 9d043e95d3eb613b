"""The Django admin: behind allauth's login and two-step login, and never showing a secret."""

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.admin.helpers import flatten_fieldsets
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from coprod.adminsite import CoprodAdminSite, reaches_secret, secret_field_names
from participants.models import Participant
from payments.models import BenefitsAndLimit, PaymentChoice
from projects.models import Invitee
from tests.factories import PASSWORD, UserFactory
from tests.test_page_structure import Outline
from tests.two_step import (
    ADMIN,
    current_code,
    log_in_by_password,
    log_in_with_two_steps,
    operator,
    with_authenticator,
)

pytestmark = pytest.mark.django_db


def path_of(response) -> str:
    return urlparse(response["Location"]).path


# --- Logging in ------------------------------------------------------------


def test_the_admin_login_sends_people_to_allauths_login_and_back(client):
    response = client.get(ADMIN)
    assert path_of(response) == reverse("admin:login")

    response = client.get(response["Location"])

    assert response.status_code == 302
    assert path_of(response) == reverse("account_login")
    assert parse_qs(urlparse(response["Location"]).query) == {"next": [ADMIN]}


def test_the_admin_password_form_logs_nobody_in(client):
    user = operator()
    with_authenticator(user)

    response = client.post(reverse("admin:login"), {"username": user.email, "password": PASSWORD})

    assert path_of(response) == reverse("account_login")
    assert not response.wsgi_request.user.is_authenticated
    assert client.get(ADMIN).status_code == 302


def test_an_operator_who_logs_in_with_their_code_gets_the_admin(client):
    user = operator()
    secret = with_authenticator(user)
    client.get(client.get(ADMIN)["Location"])

    response = log_in_with_two_steps(client, user, secret)

    assert response["Location"] == ADMIN
    index = client.get(ADMIN)
    assert index.status_code == 200
    assert "Site administration" in index.content.decode()


def test_an_operator_without_an_authenticator_is_refused_and_told_how_to_add_one(client):
    user = operator()

    response = log_in_by_password(client, user)
    assert response["Location"] == ADMIN
    response = client.get(ADMIN, follow=True)

    assert response.status_code == 403
    assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
    html = response.content.decode()
    assert "needs two-step login" in html
    assert reverse("mfa_activate_totp") in html
    assert "Site administration" not in html
    assert client.get(reverse("admin:participants_participant_changelist")).status_code == 302


def test_the_two_step_page_has_the_structure_people_rely_on(client):
    client.force_login(operator())
    outline = Outline()

    outline.feed(client.get(reverse("admin:login")).content.decode())

    assert outline.h1 == 1
    assert outline.skip_link
    assert "main" in outline.ids
    assert outline.inline_scripts == outline.inline_styles == 0
    assert not outline.handlers


def test_an_operator_who_logged_in_before_adding_an_authenticator_must_give_a_code(client):
    # Given an operator logged in by password, then added an authenticator
    user = operator()
    log_in_by_password(client, user)
    secret = with_authenticator(user)

    # Then the admin still refuses them, and asks for a code
    refused = client.get(ADMIN, follow=True)
    assert refused.status_code == 403
    ask = f"{reverse('mfa_reauthenticate')}?next=/admin/"
    assert ask in refused.content.decode()

    # When they give a code from the authenticator
    response = client.post(ask, {"code": current_code(secret)})

    # Then they are in
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_session_without_the_code_step_is_refused_even_for_a_superuser(client):
    user = operator()
    with_authenticator(user)
    client.force_login(user)

    assert client.get(reverse("admin:login")).status_code == 403
    assert path_of(client.get(ADMIN)) == reverse("admin:login")


def test_a_logged_in_person_who_is_not_staff_is_refused_the_admin_login(client):
    client.force_login(UserFactory())

    assert client.get(reverse("admin:login")).status_code == 403


def test_allauths_rate_limit_guards_the_way_into_the_admin(client):
    user = operator()
    with_authenticator(user)
    login = client.get(client.get(ADMIN)["Location"])["Location"]
    for _ in range(5):
        wrong = client.post(login, {"login": user.email, "password": "not-the-password"})
        assert wrong.status_code == 200

    response = client.post(login, {"login": user.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many tries for this login" in response.content.decode()
    assert "mfa_authenticate" not in response.get("Location", "")


def test_the_admin_sends_password_changes_to_allauth(client):
    user = operator()
    secret = with_authenticator(user)
    log_in_with_two_steps(client, user, secret)

    response = client.get(reverse("admin:password_change"))

    assert path_of(response) == reverse("account_change_password")


# --- Secrets -----------------------------------------------------------------


def test_the_encrypted_fields_and_the_authenticator_key_are_known_as_secrets():
    assert secret_field_names(Participant) == {"access_needs", "support_contact", "wellbeing_notes"}
    assert secret_field_names(PaymentChoice) == {"account_name", "sort_code", "account_number"}
    assert secret_field_names(Invitee) == {"needs"}
    assert secret_field_names(Authenticator) == {"data"}
    assert reaches_secret(Invitee, "participant__wellbeing_notes__icontains")
    assert reaches_secret(Participant, "^access_needs")
    assert not reaches_secret(Invitee, "participant__preferred_name")


def admin_request(user):
    request = RequestFactory().get(ADMIN)
    request.user = user
    return request


def reachable_names(model_admin, request) -> dict[str, tuple[type[models.Model], list]]:
    """Every name an admin could show, search, filter or sort on: where -> (model, names)."""
    model = model_admin.model
    reachable = {
        "list_display": list(model_admin.get_list_display(request)),
        "list_display_links": list(
            model_admin.get_list_display_links(request, model_admin.get_list_display(request)) or ()
        ),
        "list_editable": list(model_admin.list_editable),
        "list_filter": [
            item[0] if isinstance(item, tuple) else item
            for item in model_admin.get_list_filter(request)
        ],
        "search_fields": list(model_admin.get_search_fields(request)),
        "ordering": [name.lstrip("-") for name in model_admin.get_ordering(request) or ()],
    }
    reachable = {where: (model, names) for where, names in reachable.items()}
    for obj in (None, model.objects.first()):
        page = "change" if obj else "add"
        shown = [
            ("", model_admin, model_admin.get_form(request, obj)),
            *(
                (f"{inline.model.__name__} inline ", inline, inline.get_formset(request, obj).form)
                for inline in model_admin.get_inline_instances(request, obj)
            ),
        ]
        for prefix, part, form in shown:
            reachable[f"{prefix}{page} form"] = (part.model, list(form.base_fields))
            reachable[f"{prefix}{page} fieldsets"] = (
                part.model,
                flatten_fieldsets(part.get_fieldsets(request, obj)),
            )
            reachable[f"{prefix}{page} readonly"] = (
                part.model,
                list(part.get_readonly_fields(request, obj)),
            )
    return reachable


def secrets_reachable_through(model_admin, request) -> dict[str, list]:
    found = {}
    for where, (model, names) in reachable_names(model_admin, request).items():
        leaked = [name for name in names if isinstance(name, str) and reaches_secret(model, name)]
        if leaked:
            found[where] = leaked
    return found


def test_no_registered_admin_reaches_a_secret(world):
    request = admin_request(operator())
    leaks = {}
    for model, model_admin in admin.site._registry.items():
        found = secrets_reachable_through(model_admin, request)
        if found:
            leaks[model._meta.label] = found

    assert not leaks, f"These admin pages reach secrets: {leaks}"
    assert Participant in admin.site._registry  # the check above covered a model with secrets


class CarelessParticipantAdmin(admin.ModelAdmin):
    """An admin written as if nothing were private: the site must still hide the secrets."""

    fields = ["preferred_name", "organisation", "access_needs", ("wellbeing_notes", "phone")]
    readonly_fields = ["support_contact"]
    list_display = ["preferred_name", "access_needs", "wellbeing_notes"]
    list_filter = ["organisation", "support_contact"]
    search_fields = ["preferred_name", "^access_needs", "=wellbeing_notes"]


class CarelessInviteeInline(admin.TabularInline):
    model = Invitee
    fields = ["meeting", "answer", "needs"]


class CarelessMeetingAdmin(admin.ModelAdmin):
    inlines = [CarelessInviteeInline]


def test_an_admin_that_names_secrets_still_cannot_reach_them(world):
    site = CoprodAdminSite(name="careless")
    site.register(Participant, CarelessParticipantAdmin)
    site.register(Invitee.meeting.field.related_model, CarelessMeetingAdmin)
    request = admin_request(operator())

    for model_admin in site._registry.values():
        assert secrets_reachable_through(model_admin, request) == {}
    participant_admin = site._registry[Participant]
    assert list(participant_admin.get_list_display(request)) == ["preferred_name"]
    assert participant_admin.get_fields(request) == ["preferred_name", "organisation", ("phone",)]


# Canary values: none of them may appear on any admin page.
CANARIES = {
    "access_needs": "CANARY-ACCESS-a1",
    "support_contact": "CANARY-SUPPORT-b2",
    "wellbeing_notes": "CANARY-WELLBEING-c3",
    "needs": "CANARY-MEETING-NEEDS-d4",
    "account_name": "CANARY-ACCOUNT-e5",
    "sort_code": "99-88-77",
    "account_number": "98765432",
    "benefits": "CANARY-BENEFITS-f6",
    "voucher": "CANARY-VOUCHER-g7",
}


def plant_canaries(world) -> list[str]:
    jo = world.membership.participant
    Participant.objects.filter(pk=jo.pk).update(
        access_needs=CANARIES["access_needs"],
        support_contact=CANARIES["support_contact"],
        wellbeing_notes=CANARIES["wellbeing_notes"],
    )
    Invitee.objects.filter(participant=jo).update(needs=CANARIES["needs"])
    PaymentChoice.objects.update_or_create(
        participant=jo,
        defaults={
            "account_name": CANARIES["account_name"],
            "sort_code": CANARIES["sort_code"],
            "account_number": CANARIES["account_number"],
        },
    )
    BenefitsAndLimit.objects.update_or_create(
        participant=jo, defaults={"benefits_encrypted": CANARIES["benefits"]}
    )
    world.fare.__class__.objects.filter(pk=world.fare.pk).update(voucher_code=CANARIES["voucher"])
    return list(CANARIES.values())


def admin_pages(world) -> list[str]:
    """Each registered model's list and add page, and the change page of some of its rows."""
    chosen = {
        Participant: [world.membership.participant.pk],
        type(world.meeting): [world.meeting.pk],
    }
    request = admin_request(operator())
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        pks = [*chosen.get(model, []), *model.objects.values_list("pk", flat=True)[:3]]
        urls += [
            reverse("admin:{}_{}_change".format(*info), args=[pk]) for pk in dict.fromkeys(pks)
        ]
    return urls


def test_no_admin_page_shows_a_secret(world, client):
    secrets = plant_canaries(world)
    user = operator()
    totp_secret = with_authenticator(user)
    secrets.append(totp_secret)
    log_in_with_two_steps(client, user, totp_secret)

    shown = {}
    pages = admin_pages(world)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        found = [secret for secret in secrets if secret in html]
        if found:
            shown[url] = found

    assert not shown, f"Admin pages show secrets: {shown}"
    assert len(pages) > 40


@pytest.mark.parametrize(
    "query",
    [
        "access_needs__isnull=False",
        "wellbeing_notes__contains=x",
        "meeting_invites__needs__isnull=False",
        "preferred_name__contains=Jo",
    ],
)
def test_nobody_filters_people_by_their_private_notes_through_the_address_bar(world, client, query):
    user = operator()
    secret = with_authenticator(user)
    log_in_with_two_steps(client, user, secret)
    url = reverse("admin:participants_participant_changelist")

    response = client.get(f"{url}?{query}")

    expected = 200 if query.startswith("preferred_name") else 400
    assert response.status_code == expected
