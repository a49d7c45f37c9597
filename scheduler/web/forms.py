"""Every form of the console (Flask-WTF): fields, their limits and their error messages,
written as the NHS design system asks ("Enter your username", not "Field required").

Each form carries Flask-WTF's CSRF token; `CSRFProtect` also checks it on every POST,
including those without a form class here.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from scheduler.operations.passwords import MAX_LENGTH


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
