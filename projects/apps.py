from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects, meetings and promises"

    def ready(self):
        # Imports here, not at the top: a module with models can be imported
        # only once the app registry is ready, and that is now.
        from participants.services import CONSENT_LISTENERS, MEMBERSHIP_LISTENERS  # noqa: PLC0415 - see above
        from projects import checkins, data_rights, support  # noqa: F401, PLC0415 - see above; registers data
        from projects.ending import notifications as ending_messages  # noqa: PLC0415 - see above
        from projects.meetings import notifications as meeting_messages  # noqa: PLC0415 - see above
        from projects.meetings.services import members_changed  # noqa: PLC0415 - see above
        from projects.outbox import rules  # noqa: F401, PLC0415 - django-rules finds only top-level rules.py
        from projects.promises import notifications as promise_messages  # noqa: PLC0415 - see above
        from projects.reviews import notifications as review_messages  # noqa: PLC0415 - see above
        from projects.stories import notifications as story_messages  # noqa: PLC0415 - see above
        from projects.stories.services import consent_changed  # noqa: PLC0415 - see above

        # The messages meetings and promises send (their words, and the
        # "still wanted?" checks), and how the dashboard names what they are about.
        meeting_messages.register()
        promise_messages.register()
        # A break's "check in with me after" date: a message to each side.
        checkins.register()
        # Chats asked for and check-ins: tasks on coordinators' dashboards.
        support.register()
        # "Have your say" when a review opens.
        review_messages.register()
        # "Would you like to tell your story?"; saying no to stories being used
        # keeps every story of the person's in its group.
        story_messages.register()
        if consent_changed not in CONSENT_LISTENERS:
            CONSENT_LISTENERS.append(consent_changed)
        # "We did it" for a milestone, and the thank-you when a project closes.
        ending_messages.register()
        # Upcoming meetings' invitations follow the project's members.
        if members_changed not in MEMBERSHIP_LISTENERS:
            MEMBERSHIP_LISTENERS.append(members_changed)
