"""Request bodies over MAX_CONTENT_LENGTH are refused with 413: a styled page, or JSON."""

from __future__ import annotations

import pytest

from tests.conftest import make_app


@pytest.fixture
def small(_migrated, tmp_path, db):
    app = make_app(_migrated, tmp_path, MAX_CONTENT_LENGTH=2048, WTF_CSRF_ENABLED=True)
    return app.test_client()


def test_default_limit_is_four_mebibytes(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] == 4 * 1024 * 1024
    response = client.post("/login", data={"email": "a@example.com",
                                           "password": "x" * (5 * 1024 * 1024)})
    assert response.status_code == 413
    assert "limited to 4.0 MB" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/login", "/register", "/password/forgot",
                                  "/courses/basics/enrol", "/quizzes/intro-quiz/start"])
def test_oversized_form_gets_a_styled_page(small, path):
    response = small.post(path, data={"email": "a@example.com", "password": "x" * 4096})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "That upload is too large" in page and 'class="site-header"' in page
    assert "limited to 2 KB. Send a smaller file" in page


def test_oversized_upload_gets_413(small):
    from io import BytesIO

    response = small.post("/register", data={"file": (BytesIO(b"x" * 4096), "big.gift")},
                          content_type="multipart/form-data")
    assert response.status_code == 413


def test_oversized_body_under_api_gets_json(_migrated, tmp_path, db):
    """An API view reading a too-large body answers 413 in the API's JSON error shape."""
    from flask import request

    app = make_app(_migrated, tmp_path, MAX_CONTENT_LENGTH=2048)

    @app.post("/api/v1/_echo")  # a stand-in for an API endpoint that reads its body
    def echo():
        return {"size": len(request.get_data())}

    client = app.test_client()
    assert client.post("/api/v1/_echo", data=b"x" * 100).get_json() == {"size": 100}
    response = client.post("/api/v1/_echo", data=b"{" + b" " * 4096 + b"}",
                           content_type="application/json")
    assert response.status_code == 413 and response.is_json
    assert response.get_json()["error"]["code"] == "request_entity_too_large"
    assert "Send a smaller file" in response.get_json()["error"]["message"]
