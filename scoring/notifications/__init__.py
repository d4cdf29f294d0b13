"""Notifications: what a notice says, the outbox written with each change of state, e-mail delivery, reminders."""
