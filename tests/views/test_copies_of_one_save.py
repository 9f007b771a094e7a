"""Copies of one autosave sent at once over HTTP (a retry racing its original) all get the
first one's 200, on the embedded SQLite as on PostgreSQL, through a real threaded server."""

import http.cookiejar
import json
import threading
import urllib.error
import urllib.parse
import urllib.request

from sqlalchemy import select

from app.models import Answer
from tests.conftest import estate_form_id
from tests.e2e.conftest import live_server  # noqa: F401  (the fixture)

COPIES = 4


def _session(base_url: str, username: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = urllib.parse.urlencode({"username": username, "password": "demo"}).encode()
    opener.open(f"{base_url}/login/", data=body)
    return opener


def _post(opener, url: str, payload: dict):
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with opener.open(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _send(barrier, results, index, opener, url, payload):
    barrier.wait(timeout=30)
    results[index] = _post(opener, url, payload)


def test_copies_of_one_save_sent_at_once_all_get_the_first_ones_200(live_server, db):  # noqa: F811
    form_id = estate_form_id(db)
    openers = [_session(live_server, "bo") for _ in range(COPIES)]
    payload = {"key": "a_challenges", "value": True, "version": 0, "request_id": "copy-1"}
    for round_ in range(5):
        payload = {**payload, "request_id": f"copy-{round_}", "value": round_ % 2 == 0}
        barrier = threading.Barrier(COPIES)
        results = [None] * COPIES
        url = f"{live_server}/form/{form_id}/answers"
        threads = [
            threading.Thread(target=_send, args=(barrier, results, i, openers[i], url, payload))
            for i in range(COPIES)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert [status for status, _ in results] == [200] * COPIES, results
        # every copy reports the one version that the first one wrote
        assert {body["version"] for _, body in results} == {round_ + 1}
        payload = {**payload, "version": round_ + 1}
    db.session.expire_all()
    stored = db.session.scalar(select(Answer).where(Answer.form_id == form_id))
    assert stored.version == 5 and stored.value is True
