"""A school's webhook settings: endpoints, their delivery log, test events (school admins)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...integrations.webhooks import delivery as deliveries
from ...integrations.webhooks import endpoints
from ...integrations.webhooks.events import EVENT_TYPES
from ...services.errors import ServiceError
from ...services.schools import schools
from ..helpers import now, roles_required

bp = Blueprint("webhooks", __name__, url_prefix="/school")


def event_choices() -> list[SelectChoice]:
    """A checkbox per event type: its name, and what it tells in the reader's language."""
    return [SelectChoice(name, f"{name} — {text}") for name, text in EVENT_TYPES.items()]


class EndpointForm(FlaskForm):
    """A webhook endpoint: where, which events, a note."""

    url = URLField(_l("Receiver URL"), validators=[DataRequired(), Length(max=2000)])
    events = SelectMultipleField(
        _l("Events"), choices=event_choices,
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Choose at least one event."))])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=200)])
    active = BooleanField(_l("Send events to this endpoint"), default=True)


def _school(slug: str):
    return schools.school_for(current_user, slug)


def _confirmed() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


@bp.route("/<slug>/webhooks", methods=["GET", "POST"])
@roles_required("school_admin")
def webhook_list(slug: str):
    """The school's endpoints, and a form to add one (its secret is shown once)."""
    school, form, created = _school(slug), EndpointForm(), None
    if form.validate_on_submit():
        try:
            created = endpoints.create_endpoint(school, form.url.data, form.events.data,
                                                form.description.data, current_user, now())
        except ServiceError as exc:
            form.url.errors.append(exc.message)
        else:
            form = EndpointForm(formdata=None)
    return render_template("school/webhooks.html", school=school, form=form, created=created,
                           endpoints=endpoints.endpoints_of(school), events=EVENT_TYPES), \
        422 if form.errors else 200


@bp.route("/<slug>/webhooks/<int:endpoint_id>", methods=["GET", "POST"])
@roles_required("school_admin")
def webhook_detail(slug: str, endpoint_id: int):
    """An endpoint's settings and its delivery log."""
    school = _school(slug)
    endpoint = endpoints.endpoint_of(school, endpoint_id)
    form = EndpointForm() if request.method == "POST" else EndpointForm(obj=endpoint)
    if form.validate_on_submit():
        try:
            endpoints.update_endpoint(endpoint, form.url.data, form.events.data,
                                      form.description.data, form.active.data, current_user,
                                      now())
        except ServiceError as exc:
            form.url.errors.append(exc.message)
        else:
            flash(_("Endpoint saved."), "success")
            return redirect(url_for(".webhook_detail", slug=slug, endpoint_id=endpoint_id))
    return render_template("school/webhook.html", school=school, endpoint=endpoint, form=form,
                           log=endpoints.delivery_log(endpoint), action=FlaskForm(),
                           secret=None), 422 if form.errors else 200


@bp.route("/<slug>/webhooks/<int:endpoint_id>/test", methods=["POST"])
@roles_required("school_admin")
def webhook_test(slug: str, endpoint_id: int):
    """Send a `webhook.test` event to the endpoint."""
    endpoint = endpoints.endpoint_of(_school(slug), endpoint_id)
    _confirmed()
    endpoints.send_test(endpoint, now())
    flash(_("Test event queued: its delivery appears in the log below."), "success")
    return redirect(url_for(".webhook_detail", slug=slug, endpoint_id=endpoint_id))


@bp.route("/<slug>/webhooks/<int:endpoint_id>/rotate", methods=["POST"])
@roles_required("school_admin")
def webhook_rotate(slug: str, endpoint_id: int):
    """Give the endpoint a new secret, shown once."""
    school = _school(slug)
    endpoint = endpoints.endpoint_of(school, endpoint_id)
    _confirmed()
    secret = endpoints.rotate_secret(endpoint, current_user, now())
    return render_template("school/webhook.html", school=school, endpoint=endpoint,
                           form=EndpointForm(obj=endpoint), log=endpoints.delivery_log(endpoint),
                           action=FlaskForm(), secret=secret)


@bp.route("/<slug>/webhooks/<int:endpoint_id>/delete", methods=["POST"])
@roles_required("school_admin")
def webhook_delete(slug: str, endpoint_id: int):
    """Delete the endpoint and its delivery log."""
    endpoint = endpoints.endpoint_of(_school(slug), endpoint_id)
    _confirmed()
    endpoints.delete_endpoint(endpoint, current_user, now())
    flash(_("Endpoint deleted."), "success")
    return redirect(url_for(".webhook_list", slug=slug))


@bp.route("/<slug>/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver",
          methods=["POST"])
@roles_required("school_admin")
def webhook_redeliver(slug: str, endpoint_id: int, delivery_id: int):
    """Send a delivery again, with the same event id."""
    endpoint = endpoints.endpoint_of(_school(slug), endpoint_id)
    delivery = endpoints.delivery_of(endpoint, delivery_id)
    _confirmed()
    deliveries.redeliver(delivery, now())
    flash(_("Delivery queued again."), "success")
    return redirect(url_for(".webhook_detail", slug=slug, endpoint_id=endpoint_id))
