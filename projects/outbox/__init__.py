"""A project's messages: the outbox page, when reminders go, and coordinators' actions on a message.

The outbox itself (coprod/notifications) knows no project; these pages are
the project's view of it, under the project's permissions.
"""
