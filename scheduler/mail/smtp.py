"""One plain-text email over SMTP, as `[email]` says (STARTTLS, implicit TLS or none), and
what went wrong as a MailError whose fields the sender decides from:

- `permanent`: the server refused it for good (5xx): do not try again;
- `unknown`: the connection failed after the message was handed over, before the server
  said whether it took it: it may have been delivered, so it is never sent again blindly;
- otherwise (refused connection, timeout, 4xx): not delivered, try again later.

The password (`VIGNETTES_SMTP_PASSWORD`) is used only to log in and never appears in a
message: errors carry the server's reply code and words, which never echo it.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from scheduler.config.email import EmailConfig


class MailError(Exception):
    def __init__(self, message: str, *, permanent: bool = False, unknown: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.unknown = unknown


def build_message(
    config: EmailConfig, to: str, subject: str, body: str, key: str = ""
) -> EmailMessage:
    """The message as sent: plain text, UTF-8; its Message-ID is derived from `key` when
    given, so a receiving server can tell a copy from a new message."""
    message = EmailMessage()
    message["From"] = config.from_address
    message["To"] = to
    message["Subject"] = " ".join(subject.split())
    message["Date"] = formatdate(localtime=False)
    domain = config.from_address.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(idstring=_idstring(key), domain=domain)
    message.set_content(body)
    return message


def _idstring(key: str) -> str | None:
    cleaned = "".join(c if c.isalnum() else "." for c in key)[:60]
    return cleaned or None


def send(config: EmailConfig, password: str | None, message: EmailMessage) -> None:
    """Deliver `message`; raises MailError."""
    timeout = config.timeout.total_seconds()
    where = f"{config.smtp_host}:{config.smtp_port}"
    try:
        smtp = _connect(config, timeout)
    except smtplib.SMTPResponseException as exc:
        raise _refused(where, exc) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"cannot reach the mail server {where}: {_words(exc)}") from None
    try:
        try:
            if config.username:
                smtp.login(config.username, password or "")
            smtp.mail(config.from_address)
            code, reply = smtp.rcpt(str(message["To"]))
        except smtplib.SMTPResponseException as exc:
            raise _refused(where, exc) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"the mail server {where} stopped answering: {_words(exc)}") from None
        if code not in (250, 251):
            raise _refused(where, smtplib.SMTPResponseException(code, reply))
        _hand_over(smtp, message, where)
    finally:
        _close(smtp)


def _close(smtp: smtplib.SMTP) -> None:
    """QUIT, whatever state the connection is in; nothing it raises changes what the
    server already said about the message."""
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _connect(config: EmailConfig, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if config.security == "tls":
        return smtplib.SMTP_SSL(
            config.smtp_host, config.smtp_port, timeout=timeout, context=context
        )
    smtp = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=timeout)
    try:
        smtp.ehlo()
        if config.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


def _hand_over(smtp: smtplib.SMTP, message: EmailMessage, where: str) -> None:
    """DATA: once the message is on the wire, a lost connection leaves its fate unknown."""
    try:
        code, reply = smtp.data(message.as_bytes())
    except smtplib.SMTPDataError as exc:
        raise _refused(where, exc) from None
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code == 354:
            raise _refused(where, exc) from None
        raise MailError(
            f"the mail server {where} went quiet while taking the message: {_words(exc)}",
            unknown=True,
        ) from None
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        raise MailError(
            f"the connection to {where} failed while handing over the message: {_words(exc)}",
            unknown=True,
        ) from None
    if code != 250:
        raise _refused(where, smtplib.SMTPResponseException(code, reply))


def _refused(where: str, exc: smtplib.SMTPResponseException) -> MailError:
    raw = exc.smtp_error
    words = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return MailError(
        f"the mail server {where} refused: {exc.smtp_code} {' '.join(words.split())[:300]}",
        permanent=500 <= exc.smtp_code < 600,
    )


def _words(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, TimeoutError | socket.timeout):
        text = "timed out"
    return " ".join(text.split())[:300]
