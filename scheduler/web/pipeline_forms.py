"""The forms of the way from submission to showcase (Flask-WTF, kept apart from `forms.py`
so neither passes ~400 lines): a peer review, a comment, the library services directory,
an invitation and its acceptance, an account's email address and services, and a
reviewer's choice of submission emails.

As in `forms.py`, a form checks only what the page needs to say in its own words (a field
left empty); the rules themselves (limits, characters, the five criteria, who may do what)
are the operations', whose messages come back beside the field.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    Field,
    PasswordField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, EqualTo, InputRequired, Length

from scheduler.operations.accounts.permissions import ROLES
from scheduler.operations.pipeline.acts import CRITERIA
from scheduler.web.forms import stripped

CRITERION_CHOICES = [SelectChoice("yes", "Met"), SelectChoice("no", "Not met")]
DECISION_CHOICES = [
    SelectChoice("accept", "Accept"),
    SelectChoice("changes", "Request changes"),
    SelectChoice("reject", "Reject"),
]
EMAIL_CHOICES = [
    SelectChoice("immediate", "An email for each case study, as it is submitted"),
    SelectChoice("daily", "One email a day at 08:00, listing the day's submissions"),
]


class ReviewForm(FlaskForm):  # type: ignore[misc]
    """Each criterion met or not, with an optional note; the decision; the message to the
    contributor. Fields `met_1`…`met_5` and `note_1`…`note_5`."""

    met_1 = RadioField(CRITERIA[1], choices=CRITERION_CHOICES, validate_choice=False)
    met_2 = RadioField(CRITERIA[2], choices=CRITERION_CHOICES, validate_choice=False)
    met_3 = RadioField(CRITERIA[3], choices=CRITERION_CHOICES, validate_choice=False)
    met_4 = RadioField(CRITERIA[4], choices=CRITERION_CHOICES, validate_choice=False)
    met_5 = RadioField(CRITERIA[5], choices=CRITERION_CHOICES, validate_choice=False)
    note_1 = TextAreaField("Note on criterion 1 (optional)")
    note_2 = TextAreaField("Note on criterion 2 (optional)")
    note_3 = TextAreaField("Note on criterion 3 (optional)")
    note_4 = TextAreaField("Note on criterion 4 (optional)")
    note_5 = TextAreaField("Note on criterion 5 (optional)")
    decision = RadioField(
        "Decision",
        choices=DECISION_CHOICES,
        validators=[
            InputRequired("Select a decision"),
            AnyOf([c.value for c in DECISION_CHOICES], message="Select a decision"),
        ],
        validate_choice=False,
    )
    message = TextAreaField("Message to the contributor")

    def validate(self, extra_validators: object = None) -> bool:
        """Every criterion answered, met or not (a review that skipped one would read as
        "not met" without the reviewer having said so)."""
        valid = bool(super().validate(extra_validators))
        for number, text in CRITERIA.items():
            field = self.criterion(number)
            if field.data not in ("yes", "no"):
                field.errors = [*field.errors, f"Select whether criterion {number} is met: {text}"]
                valid = False
        return valid

    def criterion(self, number: int) -> Field:
        return self[f"met_{number}"]

    def note(self, number: int) -> Field:
        return self[f"note_{number}"]

    def met(self) -> frozenset[int]:
        return frozenset(n for n in CRITERIA if self.criterion(n).data == "yes")

    def notes(self) -> dict[int, str]:
        return {n: self.note(n).data or "" for n in CRITERIA}


class CommentForm(FlaskForm):  # type: ignore[misc]
    body = TextAreaField(
        "Add a comment",
        filters=[stripped],
        validators=[InputRequired("Enter a comment")],
    )


class ServiceForm(FlaskForm):  # type: ignore[misc]
    """A library service: its name (only when adding: a service is never renamed), its
    region, and the organisations it serves, one a line."""

    name = StringField("Name", filters=[stripped])
    region = StringField("Region", filters=[stripped])
    organisations = TextAreaField("Organisations it serves (optional)")

    def organisation_list(self) -> list[str]:
        return [line.strip() for line in (self.organisations.data or "").splitlines()]


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role, role.capitalize()) for role in ROLES]


class InviteForm(FlaskForm):  # type: ignore[misc]
    email = StringField(
        "Email address",
        filters=[stripped],
        validators=[
            InputRequired("Enter the email address to invite"),
            Length(max=254, message="Enter an email address of 254 characters or fewer"),
        ],
    )
    role = RadioField("Role", choices=_role_choices(), validators=[InputRequired("Select a role")])
    services = SelectMultipleField("Library services", validate_choice=False)


class AcceptInvitationForm(FlaskForm):  # type: ignore[misc]
    name = StringField(
        "User name",
        filters=[stripped],
        validators=[
            InputRequired("Enter a user name"),
            Length(max=64, message="Enter a user name of 64 characters or fewer"),
        ],
    )
    password = PasswordField("Password", validators=[InputRequired("Enter a password")])
    confirm_password = PasswordField(
        "Confirm password",
        validators=[
            InputRequired("Enter the password again"),
            EqualTo("password", message="The passwords do not match"),
        ],
    )


class EmailForm(FlaskForm):  # type: ignore[misc]
    email = StringField(
        "Email address",
        filters=[stripped],
        validators=[
            InputRequired("Enter their email address"),
            Length(max=254, message="Enter an email address of 254 characters or fewer"),
        ],
    )


class ServicesForm(FlaskForm):  # type: ignore[misc]
    services = SelectMultipleField("Library services", validate_choice=False)


class SubmissionEmailsForm(FlaskForm):  # type: ignore[misc]
    choice = RadioField(
        "How should new submissions reach you?",
        choices=EMAIL_CHOICES,
        validators=[InputRequired("Choose how new submissions reach you")],
        validate_choice=False,
    )
