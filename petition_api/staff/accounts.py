"""Staff accounts: who may sign in to the console, with what password and second factor.

Passwords are hashed with Argon2id (OWASP's settings, rehashed when those
change) and must be at least MIN_LENGTH characters and not among the
commonest passwords or made of the person's own address (zxcvbn's lists). A
changed password signs the person out everywhere: `session_version` moves on,
and every session holds the version it began with.

Two-factor is TOTP (RFC 6238, pyotp): six digits from an authenticator app,
accepted one step either side of now, each code once.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from ..models import Role, StaffAccount, hashed, utcnow

MIN_LENGTH = 12
MAX_LENGTH = 256  # Argon2 takes any length; a megabyte "password" would only cost CPU
# zxcvbn ranks each password in its frequency lists; these are refused outright.
COMMONEST = 100_000
TOTP_ISSUER = "Groundswell"

# OWASP's recommended Argon2id settings (19 MiB, 2 passes, 1 lane): about 30 ms a
# check on a small server, where argon2-cffi's default (64 MiB, 4 lanes) takes 150 ms
# of both cores for every sign-in anyone tries. Hashes made with other settings are
# redone at the next sign-in (password_matches).
hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# A hash to verify against when the account does not exist, so an unknown address
# costs as long as a wrong password and the answer's timing names no account.
_NOBODY = hasher.hash("not a password of anyone's")


class AccountError(ValueError):
    """What is wrong, in words for the person typing (which field, and why)."""


def normal_email(email: str) -> str:
    return email.strip().lower()


def check_password(password: str, email: str = "") -> None:
    """Raise AccountError saying what is wrong with a new password."""
    if len(password) < MIN_LENGTH:
        raise AccountError(f"The password must be at least {MIN_LENGTH} characters long.")
    if len(password) > MAX_LENGTH:
        raise AccountError(f"The password must be at most {MAX_LENGTH} characters long.")
    if password.strip() != password:
        raise AccountError("The password must not begin or end with a space.")
    inputs = [part for part in normal_email(email).replace("@", " ").split() if part]
    found = zxcvbn(password[:100], user_inputs=[*inputs, "groundswell", "petition"])
    for match in found["sequence"]:
        if match.get("pattern") != "dictionary":
            continue
        whole = (
            match["token"].lower() == password.lower() or len(match["token"]) >= len(password) - 2
        )
        if match.get("dictionary_name") == "user_inputs" and len(match["token"]) >= 4:
            raise AccountError(
                "The password must not contain the account's email address or its parts."
            )
        if whole and match.get("rank", COMMONEST + 1) <= COMMONEST:
            raise AccountError(
                "That password is among the commonest passwords, which are tried first: "
                "choose another (several unrelated words make a good one)."
            )
    if found["score"] < 3:
        raise AccountError(
            "That password is too easy to guess: make it longer or less predictable "
            "(several unrelated words make a good one)."
        )


def create(session: Session, email: str, role: str, password: str) -> StaffAccount:
    email = normal_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("The email address must be a whole address, like name@example.org.")
    if role not in {r.value for r in Role}:
        raise AccountError(f"The role must be one of {', '.join(r.value for r in Role)}.")
    if session.scalar(select(StaffAccount.id).where(StaffAccount.email == email)) is not None:
        raise AccountError(f"There is already an account for {email}.")
    check_password(password, email)
    account = StaffAccount(email=email, role=role, password_hash=hasher.hash(password))
    session.add(account)
    session.flush()
    return account


def find(session: Session, email: str) -> StaffAccount | None:
    return session.scalar(select(StaffAccount).where(StaffAccount.email == normal_email(email)))


def _verifies(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password[:MAX_LENGTH])
    except (VerificationError, InvalidHashError):
        return False


def password_matches(account: StaffAccount | None, password: str) -> bool:
    """Whether the password is right; always costs one Argon2 verification. A hash made
    with older settings is redone (the caller's transaction keeps it)."""
    right = _verifies(account.password_hash if account else _NOBODY, password)
    if not right or account is None:
        return False
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hasher.hash(password)
    return True


def set_password(
    session: Session, account: StaffAccount, password: str, must_change: bool = False
) -> None:
    """A new password, which signs the person out of every session they have."""
    check_password(password, account.email)
    if _verifies(account.password_hash, password):
        raise AccountError("The new password must differ from the one it replaces.")
    account.password_hash = hasher.hash(password)
    account.password_changed_at = utcnow()
    account.must_change_password = must_change
    sign_out_everywhere(session, account)


def sign_out_everywhere(session: Session, account: StaffAccount) -> None:
    session.execute(
        update(StaffAccount)
        .where(StaffAccount.id == account.id)
        .values(session_version=StaffAccount.session_version + 1)
    )
    session.refresh(account)


def set_role(session: Session, account: StaffAccount, role: str) -> None:
    """Another role, which ends their sessions (pages open with the old role stop working)."""
    if role not in {r.value for r in Role}:
        raise AccountError(f"The role must be one of {', '.join(r.value for r in Role)}.")
    account.role = role
    sign_out_everywhere(session, account)


def disable(session: Session, account: StaffAccount) -> None:
    account.disabled_at = utcnow()
    sign_out_everywhere(session, account)


def enable(account: StaffAccount) -> None:
    account.disabled_at = None


def reset_two_factor(session: Session, account: StaffAccount) -> None:
    """For a lost phone: they set two-factor up again after signing in."""
    account.totp_secret = account.totp_last_step = None
    account.totp_pending = account.totp_pending_at = account.totp_pending_for = None
    sign_out_everywhere(session, account)


# --- two-factor --------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


PENDING_MINUTES = 15  # a secret shown for set-up and not confirmed is replaced after


def pending_totp_secret(account: StaffAccount, holder: str) -> str:
    """The secret being set up, kept on the account (never in the cookie) and shown to
    one session only, the one keeping `holder`: another session asking starts a new
    secret, so nobody else learns the one its owner is about to adopt. A new one too
    once PENDING_MINUTES have passed."""
    now = utcnow()
    fresh = account.totp_pending_at and now - account.totp_pending_at < timedelta(
        minutes=PENDING_MINUTES
    )
    if not (account.totp_pending and fresh and account.totp_pending_for == hashed(holder)):
        account.totp_pending, account.totp_pending_at = new_totp_secret(), now
        account.totp_pending_for = hashed(holder)
    return account.totp_pending


def confirm_two_factor(session: Session, account: StaffAccount, holder: str, code: str) -> bool:
    """Two-factor on, with the secret this session was shown, if the code is its own;
    every session of the person ends. False (nothing changed) otherwise."""
    if not account.totp_pending or account.totp_pending_for != hashed(holder):
        return False
    step = code_step(account.totp_pending, code, None)
    if step is None:
        return False
    account.totp_secret, account.totp_last_step = account.totp_pending, step
    account.totp_pending = account.totp_pending_at = account.totp_pending_for = None
    sign_out_everywhere(session, account)
    return True


def totp_uri(email: str, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer or TOTP_ISSUER)


def code_step(
    secret: str, code: str, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step the code belongs to (now, or one step either side), or None if the
    code is wrong or was used already (a step no later than `last_step`)."""
    code = "".join(code.split())
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    step = int(now // totp.interval)
    for candidate in (step - 1, step, step + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if totp.verify(code, for_time=candidate * totp.interval):
            return candidate
    return None


def use_code(session: Session, account: StaffAccount, code: str) -> bool:
    """Accept a code once: the step is stored only if no other sign-in took it first."""
    step = code_step(account.totp_secret or "", code, account.totp_last_step)
    if step is None:
        return False
    last = StaffAccount.totp_last_step
    taken = session.execute(
        update(StaffAccount)
        .where(StaffAccount.id == account.id, (last.is_(None)) | (last < step))
        .values(totp_last_step=step)
    ).rowcount
    return bool(taken)
