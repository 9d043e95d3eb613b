from typing import cast

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from encrypted_fields.fields import EncryptedTextField

from coprod.models import CreatedAtModel, TimeStampedModel


class MeetingTime(models.TextChoices):
    """Parts of the week people say they can come to meetings, in local time."""

    WEEKDAY_MORNING = "weekday_morning", "Weekday mornings (before 12 noon)"
    WEEKDAY_AFTERNOON = "weekday_afternoon", "Weekday afternoons (12 noon to 5pm)"
    WEEKDAY_EVENING = "weekday_evening", "Weekday evenings (after 5pm)"
    WEEKEND_MORNING = "weekend_morning", "Weekend mornings"
    WEEKEND_AFTERNOON = "weekend_afternoon", "Weekend afternoons"
    WEEKEND_EVENING = "weekend_evening", "Weekend evenings"


class ContactTime(models.TextChoices):
    """Parts of the day someone is happy to get a text or a call, in local time."""

    MORNING = "morning", "Mornings (8am to 12 noon)"
    AFTERNOON = "afternoon", "Afternoons (12 noon to 5pm)"
    EVENING = "evening", "Evenings (5pm to 9pm)"


CONTACT_TIME_HOURS = {"morning": (8, 12), "afternoon": (12, 17), "evening": (17, 21)}


class Participant(TimeStampedModel):
    """A person with lived experience taking part in an organisation's projects.

    Many members never log in, so `user` is optional: coordinators can run a
    member's participation on their behalf.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant_profiles",
    )

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"
        PHONE_CALL = "phone_call", "A phone call from a coordinator"
        POST = "post", "Post"
        NONE = "none", "Please do not contact me"

    class Credit(models.TextChoices):
        FULL_NAME = "full_name", "My full name"
        FIRST_NAME = "first_name", "My first name only"
        INITIALS = "initials", "My initials"
        ANONYMOUS = "anonymous", "Do not name me"

    preferred_name = models.CharField(
        "what we call you", max_length=100, help_text="The name you want us to use."
    )
    full_name = models.CharField(
        "your full name",
        max_length=200,
        blank=True,
        help_text="Only needed to pay you. Leave it empty if you prefer.",
    )
    pronouns = models.CharField("your pronouns", max_length=50, blank=True)
    email = models.EmailField("email address", blank=True)
    phone = models.CharField(
        "mobile phone number", max_length=20, blank=True, help_text="For text messages or calls."
    )
    postal_address = models.TextField("postal address", blank=True)
    preferred_channel = models.CharField(
        "how you like us to contact you",
        max_length=20,
        choices=Channel.choices,
        default=Channel.EMAIL,
    )
    best_times = models.CharField(
        "best times to contact you",
        max_length=200,
        blank=True,
        help_text="For example: weekday mornings.",
    )
    credit_as = models.CharField(
        "how you want to be named in anything we publish",
        max_length=20,
        choices=Credit.choices,
        default=Credit.ANONYMOUS,
    )

    class StoryRequests(models.TextChoices):
        NOT_SET = "", "I have not said"
        ASK = "ask", "You can ask me if I want to tell my story"
        DO_NOT_ASK = "do_not_ask", "Please do not ask me to tell my story"

    story_requests = models.CharField(
        "asking you to tell your story",
        max_length=12,
        choices=StoryRequests.choices,
        default=StoryRequests.NOT_SET,
        blank=True,
        help_text="Some people get asked to tell their story again and again. "
        "You can still tell one any time you want to.",
    )
    self_description = models.TextField(
        "tell us about yourself in any way you choose",
        blank=True,
        help_text="Optional. Nobody reads this one by one: it is only ever counted, to see "
        "who is taking part and who is missing.",
    )

    # Communication needs: coordinators of your projects act on these.
    easy_read = models.BooleanField("easy read documents", default=False)
    large_print = models.BooleanField("large print", default=False)
    screen_reader_documents = models.BooleanField(
        "documents that work with a screen reader", default=False
    )
    bsl_interpreter = models.BooleanField(
        "a British Sign Language (BSL) interpreter", default=False
    )
    interpreter_language = models.CharField(
        "an interpreter for another language",
        max_length=100,
        blank=True,
        help_text="Which language? Leave empty if you do not need one.",
    )
    papers_days_ahead = models.PositiveSmallIntegerField(
        "how many days before a meeting you need the papers",
        null=True,
        blank=True,
        help_text="Leave empty if any time is fine.",
    )
    meeting_times = models.JSONField(
        "times you can usually come to meetings",
        default=list,
        blank=True,
        help_text="Leave all unticked if any time is fine.",
    )
    no_phone_calls = models.BooleanField("please do not phone me", default=False)

    class Reminders(models.TextChoices):
        ALL = "all", "Every reminder"
        FEWER = "fewer", "Just one reminder, close to the meeting"
        NONE = "none", "No reminders"

    reminders = models.CharField(
        "reminders about meetings",
        max_length=10,
        choices=Reminders.choices,
        default=Reminders.ALL,
        help_text="You always hear when a meeting moves or is cancelled.",
    )
    contact_times = models.JSONField(
        "when we may text you",
        default=list,
        blank=True,
        help_text="Leave all unticked if any time from 8am to 9pm is fine.",
    )
    other_communication_needs = models.CharField(
        "anything else about how we communicate", max_length=300, blank=True
    )

    # Assets: what people bring.
    assets = models.ManyToManyField(
        "participants.AssetTag", blank=True, related_name="participants"
    )
    assets_in_own_words = models.TextField("in your own words", blank=True)
    contribute_areas = models.JSONField(
        "where you would like to contribute", default=list, blank=True
    )

    # Private: seen only by the member and the coordinators of their projects,
    # encrypted at rest, and every staff read is written to AccessLog. The
    # encrypted-fields library stores "" as NULL, hence null=True.
    access_needs = EncryptedTextField(
        "what would help you take part",
        blank=True,
        null=True,
        help_text="For example: step-free access, a quiet room, breaks, someone to come with you.",
    )
    support_contact = EncryptedTextField(
        "someone we can contact if you need support",
        blank=True,
        null=True,
        help_text="Their name and how to reach them, and when you would like us to.",
    )
    wellbeing_notes = EncryptedTextField(
        "anything else that helps us look after you",
        blank=True,
        null=True,
        help_text="Only if you want to. You can change or remove this at any time.",
    )
    # After erasure the row stays, anonymous, so counts and money records
    # (kept by law) still add up; the pseudonym is their reference.
    erased_at = models.DateTimeField(null=True, blank=True)
    pseudonym = models.CharField(max_length=20, unique=True, null=True, blank=True)

    PRIVATE_FIELDS = ("access_needs", "support_contact", "wellbeing_notes")
    COMMUNICATION_FIELDS = (
        "easy_read",
        "large_print",
        "screen_reader_documents",
        "bsl_interpreter",
        "interpreter_language",
        "papers_days_ahead",
        "meeting_times",
        "reminders",
        "contact_times",
        "no_phone_calls",
        "other_communication_needs",
    )

    class Meta:
        ordering = ["preferred_name", "pk"]
        # The people list: one organisation's people in name order, a page at a time.
        indexes = [
            models.Index(
                fields=["organisation", "preferred_name", "id"], name="participants_org_name"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(user__isnull=False),
                name="participants_one_profile_per_user_per_org",
            ),
            models.CheckConstraint(
                condition=models.Q(papers_days_ahead__isnull=True)
                | models.Q(papers_days_ahead__lte=60),
                name="participants_papers_days_ahead_sensible",
            ),
        ]

    def __str__(self):
        return self.preferred_name

    def credited_name(self) -> str:
        """The name to show in anything published, as the person chose."""
        full = (self.full_name or self.preferred_name).strip()
        if self.credit_as == self.Credit.FULL_NAME:
            return full
        if self.credit_as == self.Credit.FIRST_NAME:
            return (self.preferred_name or full).split()[0]
        if self.credit_as == self.Credit.INITIALS:
            return "".join(f"{part[0].upper()}." for part in full.split())
        return "A member"

    def communication_needs(self) -> list[str]:
        """The needs someone must act on, in plain words, for coordinators' pages."""
        needs = [
            str(cast(models.Field, self._meta.get_field(name)).verbose_name).capitalize()
            for name in ("easy_read", "large_print", "screen_reader_documents", "bsl_interpreter")
            if getattr(self, name)
        ]
        if self.interpreter_language:
            needs.append(f"An interpreter for {self.interpreter_language}")
        if self.papers_days_ahead:
            needs.append(f"Papers at least {self.papers_days_ahead} days before meetings")
        if self.meeting_times:
            labels = dict(MeetingTime.choices)
            times = ", ".join(labels[code].split(" (")[0].lower() for code in self.meeting_times)
            needs.append(f"Meetings at these times: {times}")
        if self.no_phone_calls:
            needs.append("No phone calls")
        if self.other_communication_needs:
            needs.append(self.other_communication_needs)
        return needs


class AssetTag(TimeStampedModel):
    """A skill, interest, goal or experience in an organisation's shared vocabulary.

    The list grows as people add their own words.
    """

    class Kind(models.TextChoices):
        SKILL = "skill", "Skills"
        INTEREST = "interest", "Interests"
        GOAL = "goal", "Goals"
        EXPERIENCE = "experience", "Experience"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="asset_tags"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                "organisation", "kind", Lower("name"), name="participants_asset_tag_once"
            ),
        ]

    def __str__(self):
        return self.name


CONTRIBUTE_AREAS = [
    ("interviewing", "Interviewing"),
    ("design", "Design"),
    ("speaking", "Speaking at events"),
    ("writing", "Writing"),
    ("art", "Art and creative work"),
    ("peer_research", "Peer research"),
    ("recruitment", "Recruitment panels"),
    ("training", "Training staff"),
]


class ProjectRole(TimeStampedModel):
    """A role people can hold in a project, from the organisation's own catalogue.

    Each role says which project powers it carries. Organisation admins add
    roles; the starting catalogue is DEFAULT_ROLES.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="project_roles"
    )
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)
    leads_project = models.BooleanField(
        "can run the project like a coordinator (not money or personal details)", default=False
    )
    edits_agendas = models.BooleanField("can edit meeting agendas", default=False)
    posts_updates = models.BooleanField("can post updates", default=False)
    gathers_stories = models.BooleanField(
        "can gather people's stories with them, and pick out quotes and themes", default=False
    )

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint("organisation", Lower("name"), name="participants_role_once"),
        ]

    def __str__(self):
        return self.name


DEFAULT_ROLES = [
    # (name, description, leads_project, edits_agendas, posts_updates, gathers_stories)
    ("Member", "Takes part in the group.", False, False, False, False),
    ("Co-lead", "Leads the project alongside staff.", True, True, True, False),
    (
        "Peer researcher",
        "Does research with and for people with lived experience.",
        False,
        False,
        True,
        False,
    ),
    ("Panel member", "Sits on interview or recruitment panels.", False, False, False, False),
    ("Facilitator", "Runs sessions and keeps discussions fair.", False, True, False, False),
    ("Note-taker", "Writes down what was said and agreed.", False, False, False, False),
    ("Agenda-setter", "Decides with others what meetings talk about.", False, True, False, False),
    ("Chair", "Chairs meetings.", False, True, False, False),
    (
        "Peer reporter",
        "Gathers people's stories with them, and picks out quotes and themes.",
        False,
        False,
        False,
        True,
    ),
]


class MembershipStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    ACTIVE = "active", "Active"
    ON_BREAK = "on_break", "Taking a break"
    LEFT = "left", "Left"


class ProjectMembership(TimeStampedModel):
    """A participant's place in one project."""

    Status = MembershipStatus

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="memberships"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="memberships"
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    check_in_on = models.DateField(
        "check in with me after",
        null=True,
        blank=True,
        help_text="Optional. We will not contact you about this project before then.",
    )
    status_changed_on = models.DateField(null=True, blank=True)
    roles = models.ManyToManyField(ProjectRole, blank=True, related_name="memberships")

    class Meta:
        ordering = ["project__title", "participant__preferred_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "project"], name="participants_one_membership_per_project"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MembershipStatus.values),
                name="participants_membership_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.participant} in {self.project} ({self.get_status_display()})"

    def role_names(self) -> list[str]:
        """Roles other than plain membership, for lists (uses prefetched roles).

        A long list prefetches them into `listed_roles`, a plain list: no
        related manager is made for each row.
        """
        roles = self.__dict__.get("listed_roles")
        if roles is None:
            roles = self.roles.all()
        return [role.name for role in roles if role.name != "Member"]


class AccessLog(CreatedAtModel):
    """One time a member of staff read or acted on someone's data. Never edited.

    The person sees every row on "Who has looked", in the words of `Kind`.
    """

    class Kind(models.TextChoices):
        PRIVATE_NOTES = "private_notes", "looked at your private notes"
        EXPORT_CSV = "export_csv", "downloaded all your data (as a spreadsheet, CSV)"
        EXPORT_JSON = "export_json", "downloaded all your data (as JSON, for computers)"
        ERASURE = "erasure", "erased your data"
        MEETING_NEEDS = "meeting_needs", "read what you said you need for"
        COMMUNICATION_NEEDS = "communication", "read how you like us to communicate with you"
        BENEFITS = "benefits", "read what you told us about your benefits"
        BANK_DETAILS = "bank_details", "saw your bank details"
        REVIEW_ANSWERS = "review_answers", "read what you said only to the coordinators in"
        STORY = "story", "read or listened to your story in"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="access_log"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    viewer_name = models.CharField(
        max_length=150, help_text="Kept so the record still reads if the login is removed."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PRIVATE_NOTES)
    detail = models.CharField(
        max_length=200, blank=True, help_text="Which one, for example which meeting."
    )
    on_request = models.TextField(
        "what the person asked for, and when",
        blank=True,
        help_text="Written by the member of staff when they act on the person's request.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return (
            f"{self.viewer_name}: {self.get_kind_display()} ({self.participant}, {self.created_at})"
        )


class ConsentTopic(models.TextChoices):
    CONTACT = "contact", "Being contacted about projects"
    DATA_KEPT = "data_kept", "Keeping your details on file"
    PHOTOS = "photos", "Photos of you being used"
    STORIES = "stories", "Your words or story being used"


class ConsentWording(TimeStampedModel):
    """The words someone agrees to. A change of words is a new version, never an edit."""

    topic = models.CharField(max_length=20, choices=ConsentTopic.choices)
    version = models.PositiveIntegerField()
    text = models.TextField()
    valid_from = models.DateField()

    class Meta:
        ordering = ["topic", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "version"], name="participants_wording_once"),
        ]

    def __str__(self):
        return f"{self.get_topic_display()} (version {self.version})"


class ConsentRecord(TimeStampedModel):
    """Someone giving or withdrawing consent to one wording. Only ever added to."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    wording = models.ForeignKey(ConsentWording, on_delete=models.PROTECT, related_name="+")
    given = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    on_behalf = models.BooleanField(
        default=False,
        help_text="Recorded by staff, with the person's agreement (for example by phone).",
    )

    class Meta:
        ordering = ["participant", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.participant}: {'gave' if self.given else 'withdrew'} {self.wording}"


class Invitation(TimeStampedModel):
    """An invitation to take part, accepted through a link or a six-digit code.

    Only hashes of the link's secret and of the code are stored. An
    invitation works once, until it expires. The code is typed with the
    email or phone number it was sent to, so wrong codes count against this
    invitation: after `invitations.WRONG_CODES_BEFORE_LOCK` of them the code
    is locked (`code_locked_at`) until a coordinator sends a new one. The lock is kept
    here, not in the cache, so it survives a cache flush.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="invitations"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    code_digest = models.CharField(max_length=64, unique=True)
    wrong_codes = models.PositiveSmallIntegerField(default=0)
    code_locked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    # Set by the service that makes a new link, on that object only: the
    # database keeps the hash of the link's secret, never the link.
    link = ""

    def __str__(self):
        return f"Invitation for {self.participant}"
