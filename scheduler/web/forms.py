"""Every form of the console (Flask-WTF): fields, their limits and their error messages,
written as the NHS design system asks ("Enter your username", not "Field required").

Each form carries Flask-WTF's CSRF token; `CSRFProtect` also checks it on every POST,
including those without a form class here.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from scheduler.operations.accounts.passwords import MAX_LENGTH
from scheduler.operations.accounts.permissions import ROLES
from scheduler.operations.content.editing import SPECS, WORKFLOW, FieldSpec
from scheduler.operations.showcase.publishing import is_post_address


class SignInForm(FlaskForm):  # type: ignore[misc]
    username = StringField(
        "Username",
        validators=[
            InputRequired("Enter your username"),
            Length(max=200, message="Enter your username"),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            InputRequired("Enter your password"),
            Length(max=MAX_LENGTH, message="Enter a correct username and password"),
        ],
    )
    next = HiddenField()


class ChangePasswordForm(FlaskForm):  # type: ignore[misc]
    current_password = PasswordField(
        "Current password", validators=[InputRequired("Enter your current password")]
    )
    new_password = PasswordField("New password", validators=[InputRequired("Enter a new password")])
    confirm_password = PasswordField(
        "Confirm new password",
        validators=[
            InputRequired("Enter the new password again"),
            EqualTo("new_password", message="The passwords do not match"),
        ],
    )
    next = HiddenField()


def error_list(form: FlaskForm, *extra: tuple[str, str] | None) -> list[dict[str, str]]:
    """The error summary's items: each `(message, field name)` in `extra` first, then the
    first error of every visible field, each linking to its field."""
    items = [{"text": text, "href": f"#{field}"} for text, field in filter(None, extra)]
    for field in form:
        if field.errors and field.type not in ("CSRFTokenField", "HiddenField"):
            items.append({"text": field.errors[0], "href": f"#{field.id}"})
    return items


def field_error(field: object) -> dict[str, str] | None:
    """The design system's `errorMessage` parameter for a field with an error."""
    errors = getattr(field, "errors", None)
    return {"text": errors[0]} if errors else None


# --- Case studies: add and edit, review decisions, import (phase B1) ----------------------
# The case-study form holds every field an import file may hold, as text: the rules (limits,
# characters, categories, consent) are the import's own, applied by the operation, whose
# problems come back per field (`scheduler.web.case_form`). Only the CSRF token is checked
# here, so a form and a file can never be judged differently.


class CaseStudyForm(FlaskForm):  # type: ignore[misc]
    """Every field of the declaration (`vignettes.fields`), added below."""

    # The content hash the edit started from (an edit made meanwhile is not overwritten).
    loaded_hash = HiddenField()


def _case_study_field(spec: FieldSpec) -> Any:
    if spec.kind == "text":
        return TextAreaField(spec.label)
    if spec.kind == "categories":
        return SelectMultipleField(spec.label, validate_choice=False)
    if spec.kind in ("yesno", "status"):
        return RadioField(spec.label, validate_choice=False)
    return StringField(spec.label)


for _spec in (*SPECS, *WORKFLOW):
    setattr(CaseStudyForm, _spec.name, _case_study_field(_spec))


class ApproveForm(FlaskForm):  # type: ignore[misc]
    """Approve as it stands: nothing to fill in but the CSRF token."""


def stripped(value: str | None) -> str | None:
    """A form filter: what was typed without the spaces around it."""
    return value.strip() if isinstance(value, str) else value


class RejectForm(FlaskForm):  # type: ignore[misc]
    reason = TextAreaField(
        "Why is it rejected?",
        filters=[stripped],
        validators=[
            DataRequired("Enter why the case study is rejected"),
            Length(max=1000, message="The reason must be 1000 characters or fewer"),
        ],
    )


class QueueForm(FlaskForm):  # type: ignore[misc]
    month = SelectField(
        "Month", validate_choice=False, validators=[InputRequired("Select a month")]
    )


class ImportForm(FlaskForm):  # type: ignore[misc]
    file = FileField("Upload a file", validators=[FileRequired("Select a file to import")])


class ConfirmImportForm(FlaskForm):  # type: ignore[misc]
    """Confirm (or cancel) the import that was checked: the CSRF token alone."""


# ---- Phase B2: home (settle, publish now), plan, calendar, users --------------------------


class SettleForm(FlaskForm):  # type: ignore[misc]
    """Settle one unknown post: `posted` (a person saw it on the account; its address is
    optional) or `retry` (it is not there: send it again)."""

    resolution = HiddenField(
        validators=[AnyOf(("posted", "retry"), message="Choose what happened to the post")]
    )
    url = StringField(
        "Address of the post (optional)",
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        validators=[
            Optional(),
            Length(max=500, message="Enter an address of 500 characters or fewer"),
        ],
    )

    def validate_url(self, field: StringField) -> None:
        if field.data and not is_post_address(field.data):
            raise ValidationError(
                "Enter the address of the post, starting with https:// (or leave it empty)"
            )


class ConfirmForm(FlaskForm):  # type: ignore[misc]
    """A button with nothing to fill in (publish now, unqueue, disable, enable, a new
    calendar link): only the CSRF token, which CSRFProtect checks."""


class PlanQueueForm(FlaskForm):  # type: ignore[misc]
    # The page offers the choices; the operation decides what may be queued, so a value
    # not offered gets the operation's own message, not "Not a valid choice".
    month = SelectField(
        "Month", validate_choice=False, validators=[InputRequired("Select a month")]
    )
    ref = SelectField(
        "Case study", validate_choice=False, validators=[InputRequired("Select a case study")]
    )


class SwapForm(FlaskForm):  # type: ignore[misc]
    first = SelectField(
        "First month", validate_choice=False, validators=[InputRequired("Select the first month")]
    )
    second = SelectField(
        "Second month",
        validate_choice=False,
        validators=[InputRequired("Select the second month")],
    )


PASSWORD_CHOICES = [
    SelectChoice("one-time", "Make a one-time password (shown once; they choose their own)"),
    SelectChoice("typed", "Type a password"),
]
ROLE_CHOICES = [SelectChoice(role, role.capitalize()) for role in ROLES]


class PasswordChoice(FlaskForm):  # type: ignore[misc]
    password_choice = RadioField(
        "Password",
        choices=PASSWORD_CHOICES,
        default="one-time",
        validators=[InputRequired("Choose how to set the password")],
    )
    # No Optional(): it would stop the chain before the check below.
    password = PasswordField("Password")

    def validate_password(self, field: PasswordField) -> None:
        if self.password_choice.data == "typed" and not field.data:
            raise ValidationError("Enter a password, or choose a one-time password")


class AddUserForm(PasswordChoice):
    name = StringField(
        "User name",
        validators=[
            InputRequired("Enter a user name"),
            Length(max=64, message="Enter a user name of 64 characters or fewer"),
        ],
    )
    role = SelectField(
        "Role",
        choices=ROLE_CHOICES,
        validators=[InputRequired("Select a role")],
    )
    email = StringField(
        "Email address",
        validators=[
            InputRequired("Enter their email address"),
            Length(max=254, message="Enter an email address of 254 characters or fewer"),
        ],
    )
    # The directory's names, as the page offers them; the operation checks each one.
    services = SelectMultipleField("Library services", validate_choice=False)


class ResetPasswordForm(PasswordChoice):
    pass


class SetRoleForm(FlaskForm):  # type: ignore[misc]
    role = SelectField(
        "Role",
        choices=ROLE_CHOICES,
        validators=[InputRequired("Select a role")],
    )
