"""Forms of the integrations' set-up pages."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from ...integrations.lti.registrations import PlatformForm
from ...integrations.sso.providers import ProviderForm

URL_RULES = [DataRequired(), Length(max=1000), URL(require_tld=False,
                                                   message=_l("Enter a full address, https://..."))]


def _deployment_ids(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]


def _short_ids(form, field) -> None:
    ids = _deployment_ids(field.data)
    if len(ids) > 50 or any(len(i) > 255 for i in ids):
        raise ValidationError(_("Up to 50 deployment ids of up to 255 characters each."))


class LtiPlatformForm(FlaskForm):
    """Register an LMS (values from the LMS's tool registration page)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    issuer = StringField(_l("Platform ID (issuer)"), validators=URL_RULES[:2] + [Length(max=500)])
    client_id = StringField(_l("Client ID"), validators=[DataRequired(), Length(max=255)])
    deployment_ids = TextAreaField(_l("Deployment IDs (one a line)"),
                                   validators=[DataRequired(), Length(max=13000), _short_ids])
    auth_login_url = StringField(_l("Authentication request URL"), validators=URL_RULES)
    auth_token_url = StringField(_l("Access token URL"), validators=URL_RULES)
    key_set_url = StringField(_l("Public keyset URL"), validators=URL_RULES)
    token_audience = StringField(_l("Access token audience (only if the LMS asks for one)"),
                                 validators=[Optional(), Length(max=1000)])
    active = BooleanField(_l("Active"), default=True)

    def values(self) -> PlatformForm:
        """The form as the service takes it."""
        return PlatformForm(self.name.data.strip(), self.issuer.data.strip(),
                            self.client_id.data.strip(), _deployment_ids(self.deployment_ids.data),
                            self.auth_login_url.data.strip(), self.auth_token_url.data.strip(),
                            self.key_set_url.data.strip(), (self.token_audience.data or "").strip(),
                            bool(self.active.data))


class SsoProviderForm(FlaskForm):
    """Set up a school's OpenID provider."""

    name = StringField(_l("Button label (\"Log in with ...\")"),
                       validators=[DataRequired(), Length(max=200)])
    issuer = StringField(_l("Issuer"), validators=URL_RULES[:2] + [Length(max=500)])
    client_id = StringField(_l("Client ID"), validators=[DataRequired(), Length(max=255)])
    client_secret = PasswordField(_l("Client secret (or env:NAME)"),
                                  validators=[Optional(), Length(max=2000)])
    authorization_endpoint = StringField(_l("Authorization endpoint"), validators=URL_RULES)
    token_endpoint = StringField(_l("Token endpoint"), validators=URL_RULES)
    jwks_uri = StringField(_l("Key set URL (jwks_uri)"), validators=URL_RULES)
    scopes = StringField(_l("Scopes"), default="openid email profile",
                         validators=[DataRequired(), Length(max=200)])
    create_accounts = BooleanField(_l("Create an account at the first login (into this school)"))
    sso_only = BooleanField(_l("SSO only: this school's accounts cannot log in with a password"))
    active = BooleanField(_l("Active"), default=True)

    def values(self) -> ProviderForm:
        """The form as the service takes it."""
        return ProviderForm(self.name.data.strip(), self.issuer.data.strip(),
                            self.client_id.data.strip(), (self.client_secret.data or "").strip(),
                            self.authorization_endpoint.data.strip(),
                            self.token_endpoint.data.strip(), self.jwks_uri.data.strip(),
                            " ".join(self.scopes.data.split()), bool(self.create_accounts.data),
                            bool(self.sso_only.data), bool(self.active.data))
