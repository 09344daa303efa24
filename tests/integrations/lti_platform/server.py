"""An LMS for the tests: an LTI 1.3 platform built on `lti1p3platform` (an independent platform
implementation from PyPI), served by Flask in its own process.

The protocol — the OIDC login the platform starts, the signed launch and deep-linking messages,
the access token endpoint checking the tool's signed client assertion against the tool's key set,
deep-linking response validation, and the grade (AGS) and roster (NRPS) service endpoints with
their token checks — is the library's. This file is the framework glue a host LMS writes:
storage in memory, routes, and a /control API for the tests to drive it (start a launch as a
given user, tamper with the next id token, read the gradebook).

Run: python -m tests.integrations.lti_platform.server --port P --tool http://127.0.0.1:T
"""

from __future__ import annotations

import argparse
import itertools
import json
import typing as t
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, Response, jsonify, request
from lti1p3platform.exceptions import LtiException
from lti1p3platform.framework.templates import template
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
    TPage,
)

LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
CLIENT_ID = "tpcourse-client"
DEPLOYMENT_ID = "deployment-1"
CONTEXT = Context(id="course-101", label="M101", title="Massage 101")


def _pem_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


class State:
    """Everything this LMS knows, in memory."""

    def __init__(self, base: str, tool: str) -> None:
        self.base, self.tool = base, tool.rstrip("/")
        self.private, self.public = _pem_pair()
        self.intruder_private, _ = _pem_pair()  # signs the "bad signature" launches
        self.users: dict[str, dict[str, t.Any]] = {}
        self.links: dict[str, dict[str, t.Any]] = {}
        self.lineitems: dict[str, dict[str, t.Any]] = {}
        self.scores: list[dict[str, t.Any]] = []
        self.launches: dict[str, dict[str, t.Any]] = {}
        self.deep_link_items: list[dict[str, t.Any]] = []
        self.tokens_issued = 0
        self.ids = itertools.count(1)

    def registration(self) -> Registration:
        return (Registration().set_iss(self.base).set_client_id(CLIENT_ID)
                .set_deployment_id(DEPLOYMENT_ID)
                .set_oidc_login_url(f"{self.tool}/lti/login")
                .set_launch_url(f"{self.tool}/lti/launch")
                .set_deeplink_launch_url(f"{self.tool}/lti/launch")
                .set_tool_key_set_url(f"{self.tool}/lti/keys.json")
                .set_platform_public_key(self.public).set_platform_private_key(self.private))


class PlatformConf(LTI1P3PlatformConfAbstract):
    """The library's platform configuration over State."""

    def init_platform_config(self, **kwargs: t.Any) -> None:
        self.state: State = kwargs["state"]

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self.state.registration()


class FlaskPlatformRequest(Request):
    """The library's request, from Flask's."""

    def build_metadata(self, req: t.Any) -> TRequest:
        return {"method": req.method, "form_data": req.form.to_dict(),
                "get_data": req.args.to_dict(), "headers": req.headers,
                "content_type": req.content_type, "path": req.path,
                "json": req.get_json(silent=True)}


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    """A launch; `tamper` spoils the id token the way a test asks."""

    def __init__(self, req: Request, conf: PlatformConf, spec: dict[str, t.Any]) -> None:
        super().__init__(req, conf)
        self.spec = spec

    def generate_launch_request(self) -> t.Any:
        tamper = self.spec.get("tamper")
        if tamper == "expired":
            self.set_id_token_expiration(-120)
        data = super().generate_launch_request()
        if tamper in ("bad_signature", "wrong_audience"):
            import jwt  # PyJWT, as the library uses

            body = jwt.decode(data["id_token"], options={"verify_signature": False})
            header = jwt.get_unverified_header(data["id_token"])
            key = self._platform_config.state.private
            if tamper == "bad_signature":
                key = self._platform_config.state.intruder_private
            else:
                body["aud"] = body["azp"] = "someone-else"
            data["id_token"] = jwt.encode(body, key, algorithm="RS256",
                                          headers={"kid": header["kid"]})
        return data

    def render_launch_form(self, launch_data: dict[str, t.Any], **kwargs: t.Any) -> Response:
        if self.spec.get("html"):  # as an LMS does: a form the browser posts at once
            return Response(template.render(launch_data), content_type="text/html")
        return jsonify(launch_data)  # the test's HTTP client posts these fields itself


def _page(items: list[t.Any]) -> TPage:
    return {"content": items, "has_next": False, "next": None}


def make_app(state: State) -> Flask:
    app = Flask(__name__)
    conf = PlatformConf(state=state)
    conf.get_registration()

    def ags(lineitem_url: str | None = None) -> AssignmentsGradesService:
        class Service(AssignmentsGradesService):
            def find_lineitems(self, page=1, limit=None, line_item_id=None,
                               resource_link_id=None, resource_id=None, tag=None) -> TPage:
                found = [i for i in state.lineitems.values()
                         if (not resource_id or i.get("resourceId") == resource_id)
                         and (not resource_link_id or i.get("resourceLinkId") == resource_link_id)]
                return _page(found)

            def find_lineitem(self, line_item_id: str):
                return state.lineitems[line_item_id]

            def create_lineitem(self, creation_data):
                return _new_lineitem(state, dict(creation_data))

            def update_lineitem(self, update_data):
                state.lineitems[update_data["id"]].update(update_data)
                return state.lineitems[update_data["id"]]

            def delete_lineitem(self, line_item_id: str) -> None:
                state.lineitems.pop(line_item_id)

            def update_score(self, line_item_id: str, score):
                from lti1p3platform.score import UpdateScoreStatus

                item = state.lineitems.get(line_item_id)
                if item is None:
                    from lti1p3platform.exceptions import LineItemNotFoundException

                    raise LineItemNotFoundException()
                state.scores.append({"lineitem": line_item_id, **score})
                return UpdateScoreStatus.SUCCESS

            def get_results(self, line_item_id, page=1, limit=None, user_id=None) -> TPage:
                return _page([s for s in state.scores if s["lineitem"] == line_item_id])

        return Service(FlaskPlatformRequest(request), conf, f"{state.base}/lineitems",
                       lineitem_url)

    def nrps() -> NamesRoleProvisioningService:
        class Service(NamesRoleProvisioningService):
            def get_member_data_page(self, page=1, limit=None, role=None, since=None,
                                     **kwargs) -> TPage:
                return _page([{"user_id": sub, "roles": user["roles"], "name": user["name"],
                               "status": user.get("status", "Active")}
                              for sub, user in state.users.items()])

            def get_context_by_id(self) -> Context:
                return CONTEXT

        return Service(FlaskPlatformRequest(request), conf, f"{state.base}/memberships")

    def answer(resp) -> Response:
        if resp.result is None and resp.code < 400:  # a score taken: no body, as LMSs answer
            return Response(status=resp.code)
        body = json.dumps(resp.result) if resp.result is not None else resp.message
        return Response(body, status=resp.code, content_type=resp.media_type)

    @app.get("/jwks")
    def jwks():
        return jsonify(conf.get_jwks())

    @app.post("/control/users")
    def users():
        state.users.update(request.get_json())
        return jsonify(ok=True)

    @app.post("/control/links")
    def links():
        for rlid, link in request.get_json().items():
            state.links[rlid] = link
        return jsonify(ok=True)

    @app.post("/control/start")
    def start():
        """Start a launch as a user; answer the tool's login initiation URL."""
        spec = request.get_json()
        hint = str(next(state.ids))
        state.launches[hint] = spec
        login = Login(FlaskPlatformRequest(request), conf)
        login.set_lti_message_hint(hint=hint)
        if spec.get("kind") == "deeplink":
            login.set_deeplinking_launch_url()
        return jsonify(url=login.prepare_preflight_url(spec["user"]))

    @app.get("/lms")
    def lms_page():
        """A course page of this LMS with the tool in an iframe, as Moodle and Canvas show it."""
        from html import escape

        src = escape(request.args.get("src", ""), quote=True)
        return (f"<!doctype html><html><head><title>{CONTEXT.title} - Test LMS</title></head>"
                "<body style='font-family:sans-serif;margin:0;background:#eef'>"
                f"<header style='padding:12px;background:#335;color:#fff'>Test LMS &rsaquo; "
                f"{CONTEXT.title} &rsaquo; tpcourse</header>"
                f"<iframe id='tool' title='tpcourse' src='{src}' "
                "style='width:100%;height:760px;border:0;background:#fff'></iframe></body></html>")

    @app.get("/control/state")
    def snapshot():
        return jsonify(lineitems=state.lineitems, scores=state.scores, links=state.links,
                       deep_link_items=state.deep_link_items, tokens_issued=state.tokens_issued)

    @app.route("/auth", methods=["GET", "POST"])
    def auth():
        """The platform's OIDC authorisation endpoint: answer with the signed launch."""
        params = request.values
        spec = state.launches.get(params.get("lti_message_hint", ""))
        if spec is None or params.get("login_hint") != spec["user"]:
            return "unknown launch", 400
        if (params.get("redirect_uri") != f"{state.tool}/lti/launch" or params.get("scope") != "openid"
                or params.get("response_type") != "id_token"
                or params.get("response_mode") != "form_post"):
            return "the tool's authentication request is not what LTI 1.3 asks for", 400
        user = state.users[spec["user"]]
        launch = Launch(FlaskPlatformRequest(request), conf, spec)
        launch.set_user_data(spec["user"], user["roles"], full_name=user["name"])
        launch.set_launch_context_claim(CONTEXT.id, context_title=CONTEXT.title,
                                        context_label=CONTEXT.label)
        launch.set_launch_presentation_claim(spec.get("document_target", "iframe"),
                                             return_url=f"{state.base}/course/{CONTEXT.id}")
        launch.set_nrps(f"{state.base}/memberships")
        if spec.get("kind") == "deeplink":
            launch.set_dl(f"{state.base}/deep_link_return", title="Add content",
                          accept_types={"ltiResourceLink"}, extra_data={"opaque": hint_of(spec)})
        else:
            link = state.links[spec["link"]]
            launch.set_resource_link_claim(spec["link"], title=link.get("title"))
            launch.set_custom_parameters_claim(link.get("custom", {}))
            launch.set_ags(f"{state.base}/lineitems", link.get("lineitem"))
        try:
            return launch.lti_launch()
        except LtiException as exc:
            return str(exc), 400

    def hint_of(spec: dict[str, t.Any]) -> str:
        return f"dl-{spec['user']}"

    @app.post("/token")
    def token():
        try:
            answer_ = conf.get_access_token(request.form.to_dict())
        except Exception as exc:  # the library refuses bad client assertions by raising
            return jsonify(error="invalid_client", error_description=str(exc)), 400
        state.tokens_issued += 1
        return jsonify(answer_)

    @app.post("/deep_link_return")
    def deep_link_return():
        items = conf.validate_deeplinking_resp(request.form.to_dict())
        for item in items:
            rlid = f"rl-{uuid.uuid4().hex[:8]}"
            link = {"title": item.get("title"), "custom": item.get("custom", {})}
            if item.get("lineItem"):
                created = _new_lineitem(state, {**item["lineItem"], "resourceLinkId": rlid})
                link["lineitem"] = created["id"]
            state.links[rlid] = link
        state.deep_link_items.extend(items)
        return jsonify(items=items)

    @app.route("/lineitems", methods=["GET", "POST"])
    def lineitems():
        service = ags()
        handler = service.handle_get_lineitems if request.method == "GET" \
            else service.handle_create_lineitem
        return answer(service.handle_resp(handler))

    @app.get("/lineitems/<item>")
    def lineitem(item: str):
        service = ags(f"{state.base}/lineitems/{item}")
        return answer(service.handle_resp(service.handle_get_lineitem,
                                          line_item_id=f"{state.base}/lineitems/{item}"))

    @app.post("/lineitems/<item>/scores")
    def scores(item: str):
        service = ags(f"{state.base}/lineitems/{item}")
        return answer(service.handle_resp(service.handle_update_score,
                                          line_item_id=f"{state.base}/lineitems/{item}"))

    @app.get("/memberships")
    def memberships():
        service = nrps()
        return answer(service.handle_resp(service.handle_get_members))

    return app


def _new_lineitem(state: State, data: dict[str, t.Any]) -> dict[str, t.Any]:
    item_id = f"{state.base}/lineitems/{next(state.ids)}"
    state.lineitems[item_id] = {**data, "id": item_id}
    return state.lineitems[item_id]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tool", required=True)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    app = make_app(State(base, args.tool))
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", args.port, app, threaded=True)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
