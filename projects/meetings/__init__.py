"""Meetings of a project: times, invitees, papers, attendance, actions and calendars."""
