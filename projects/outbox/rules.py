"""Who may see a project's messages, change when its reminders go, and act on a message.

Imported by ProjectsConfig.ready() (django-rules autodiscovers only an app's top rules.py).
"""

import rules

from participants.rules import coordinates_anywhere
from projects.rules import is_project_coordinator, leads_project


def on_notification_project(predicate):
    """Lift a project predicate to one about a message of that project."""
    return rules.predicate(
        lambda user, notification: (
            notification is not None
            and notification.project is not None
            and predicate(user, notification.project)
        ),
        name=f"notification_{predicate.name}",
    )


# The outbox shows who was told what: staff who coordinate the project.
rules.add_perm("projects.view_outbox", is_project_coordinator)
rules.add_perm("projects.change_reminder_rules", leads_project)
# The object is a Notification.
rules.add_perm("projects.act_on_message", on_notification_project(is_project_coordinator))
# Many messages at once (the dashboard's "mark all as told"): the service
# keeps to the organisations the user coordinates.
rules.add_perm("projects.act_on_messages", coordinates_anywhere)
