"""From submission to showcase: library services, contributors' drafts, peer review,
comments, notifications by email and invitations."""
