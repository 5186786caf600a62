"""Real ParetoPilot processes for the tests: a server on a free loopback port, pilots, exports.

The binary is ``$PARETOPILOT_BIN``, else ``<repo>/.build/debug/paretopilot``.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import paretopilot
import pytest

REPO = Path(__file__).resolve().parents[3]
ADMIN_TOKEN = "test-admin-" + "0123456789abcdef"
START_TIMEOUT = 30.0


def find_binary() -> Tuple[Optional[str], str]:
    """The paretopilot binary to test with, or None and why there is none."""
    given = os.environ.get("PARETOPILOT_BIN")
    if given:
        if os.access(given, os.X_OK):
            return given, ""
        return None, f"PARETOPILOT_BIN={given} is not an executable file"
    default = REPO / ".build" / "debug" / "paretopilot"
    if os.access(default, os.X_OK):
        return str(default), ""
    return None, f"no paretopilot binary: set PARETOPILOT_BIN or build {default} (swift build)"


def _stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM to the process group we started, then SIGKILL after `grace` seconds."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


class Service:
    """A ``paretopilot serve`` with its own database, and the pilots started against it."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.db = directory / "service.sqlite"
        self.admin_token = ADMIN_TOKEN
        self.url = ""
        self.pilots: List[Tuple[subprocess.Popen, Path]] = []
        self._server: Optional[subprocess.Popen] = None

    def start(self, tls: bool = False) -> "Service":
        """Starts the server; with `tls`, over https with a certificate of a CA made here
        (``self.ca_file``), for localhost and 127.0.0.1."""
        out = self.directory / "serve.out"
        env = {**os.environ, "PARETOPILOT_ADMIN_TOKEN": self.admin_token}
        arguments = [self.binary, "serve", "--db", str(self.db), "--port", "0", "--host", "127.0.0.1"]
        if tls:
            certificate, key = self._make_certificates()
            arguments += ["--tls-cert", str(certificate), "--tls-key", str(key)]
        with open(out, "w") as stdout, open(self.directory / "serve.err", "w") as stderr:
            self._server = subprocess.Popen(
                arguments,
                stdout=stdout,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for line in out.read_text().splitlines():
                if line.startswith("listening on "):
                    self.url = line.split()[-1]
                    return self
            if self._server.poll() is not None:
                raise RuntimeError(f"paretopilot serve exited: {(self.directory / 'serve.err').read_text()[-2000:]}")
            time.sleep(0.05)
        raise RuntimeError("paretopilot serve did not say where it listens")

    ca_file: Optional[Path] = None

    def _make_certificates(self) -> Tuple[Path, Path]:
        """A CA and a server certificate it signs, with ``openssl``."""
        d = self.directory
        run = lambda *command: subprocess.run(command, check=True, capture_output=True, timeout=30)  # noqa: E731
        curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        run("openssl", "req", "-x509", *curve, "-keyout", str(d / "ca.key"), "-out", str(d / "ca.pem"),
            "-days", "1", "-subj", "/CN=ParetoPilot pytest CA")
        run("openssl", "req", *curve, "-keyout", str(d / "server.key"), "-out", str(d / "server.csr"),
            "-subj", "/CN=localhost")
        (d / "server.ext").write_text(
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        )
        run("openssl", "x509", "-req", "-in", str(d / "server.csr"), "-CA", str(d / "ca.pem"), "-CAkey",
            str(d / "ca.key"), "-CAcreateserial", "-out", str(d / "server.pem"), "-days", "1", "-extfile",
            str(d / "server.ext"))
        self.ca_file = d / "ca.pem"
        return d / "server.pem", d / "server.key"

    def stop(self) -> None:
        """Stops every pilot, then the server."""
        for process, _ in self.pilots:
            _stop(process)
        if self._server is not None:
            _stop(self._server)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def client(self, token: Optional[str] = None, **options: Any) -> paretopilot.Client:
        """A client with the admin token (or `token`)."""
        return paretopilot.Client(self.url, token=token or self.admin_token, **options)

    def token(self, role: str, study: Optional[str] = None, name: str = "test") -> str:
        """A new token from ``paretopilot token create``."""
        command = [self.binary, "token", "create", "--db", str(self.db), "--role", role, "--name", name]
        if study:
            command += ["--study", study]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=30).stdout.strip()

    def pilot(self, slots: int = 2, idle_exit: float = 5, *extra: str) -> Path:
        """Starts ``paretopilot pilot``; returns the file its log (stderr) goes to."""
        index = len(self.pilots)
        log = self.directory / f"pilot{index}.err"
        env = {**os.environ, "PARETOPILOT_TOKEN": self.token("pilot", name=f"pilot{index}")}
        with open(self.directory / f"pilot{index}.out", "w") as stdout, open(log, "w") as stderr:
            process = subprocess.Popen(
                [
                    self.binary,
                    "pilot",
                    "--server",
                    self.url,
                    "--slots",
                    str(slots),
                    "--idle-exit",
                    str(idle_exit),
                    "--name",
                    f"pilot{index}",
                    "--poll-interval",
                    "0.2",
                    *extra,
                ],
                stdout=stdout,
                stderr=stderr,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        self.pilots.append((process, log))
        return log

    def export_csv(self) -> str:
        """``paretopilot study export DB --format csv`` (the database's first study)."""
        return subprocess.run(
            [self.binary, "study", "export", str(self.db), "--format", "csv"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout


# Whether ask/tell-only studies must name an (empty) evaluator: probed once per run.
_needs_empty_evaluator: Dict[str, bool] = {}


def create_asktell_study(client: paretopilot.Client, spec: Mapping[str, Any]) -> paretopilot.Study:
    """Creates a study evaluated by its client; adds ``"evaluator": {}`` only if the server needs it."""
    spec = dict(spec)
    if _needs_empty_evaluator.get("value"):
        spec["evaluator"] = {}
    try:
        study = client.create_study(spec)
        _needs_empty_evaluator.setdefault("value", False)
        return study
    except paretopilot.APIError as error:
        if error.field != "evaluator" or "evaluator" in spec:
            raise
    _needs_empty_evaluator["value"] = True
    return client.create_study({**spec, "evaluator": {}})


@functools.lru_cache(maxsize=None)
def results_endpoint() -> Tuple[bool, str]:
    """Whether the server has ``GET /v1/studies/{study}/results``, probed on a server of its own."""
    binary, why = find_binary()
    if binary is None:
        return False, why
    directory = Path(tempfile.mkdtemp(prefix="pp-probe-"))
    service = Service(binary, directory)
    try:
        service.start()
        client = service.client(retries=0)
        study = create_asktell_study(
            client,
            {
                "name": "probe",
                "parameters": [{"name": "x", "type": "float", "lower": 0, "upper": 1}],
                "objectives": [{"name": "f"}],
                "budget": 1,
            },
        )
        try:
            list(study.results())
            return True, ""
        except paretopilot.NotFound as error:
            if error.field == "study":
                raise
            return False, (
                f"the server has no results endpoint: GET /v1/studies/probe/results answered "
                f"{error.status} {error.code}: {error.message!r}"
            )
    finally:
        service.stop()
        shutil.rmtree(directory, ignore_errors=True)


def count_finished_jobs(log: Path) -> int:
    """Jobs a pilot reported, from its log."""
    return sum("job finished" in line for line in log.read_text().splitlines())


def wait_for_exit(service: Service, timeout: float) -> None:
    """Waits until every pilot has exited (they leave on --idle-exit)."""
    deadline = time.monotonic() + timeout
    for process, _ in service.pilots:
        process.wait(timeout=max(0.1, deadline - time.monotonic()))


# Fixtures shared by this suite and the dashboard's browser suite (Tests/Browser), whose conftests
# import them: a real server per test, skipped with the reason when there is no binary.


@pytest.fixture(scope="session")
def paretopilot_bin() -> str:
    binary, why = find_binary()
    if binary is None:
        pytest.skip(why)
    return binary


@pytest.fixture
def service(paretopilot_bin: str, tmp_path: Path) -> Iterator[Service]:
    """A running server with an admin token; ``service.pilot()`` starts pilots against it."""
    server = Service(paretopilot_bin, tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def tls_service(paretopilot_bin: str, tmp_path: Path) -> Iterator[Service]:
    """A running server speaking https with a certificate of a CA made for the test (``ca_file``)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed (apt-get install openssl); it makes the test CA")
    server = Service(paretopilot_bin, tmp_path).start(tls=True)
    try:
        yield server
    finally:
        server.stop()
