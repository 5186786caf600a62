"""A study on the server: ask/tell, reading results, and running an objective function locally."""

from __future__ import annotations

import concurrent.futures as futures
import contextlib
import io
import math
import sys
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple

from . import report
from ._http import StreamIdle
from .errors import APIError, ConnectionFailed

if TYPE_CHECKING:  # pragma: no cover
    import pandas  # type: ignore[import-untyped,unused-ignore]

    from .client import Client

__all__ = ["Study", "Trial"]

#: How much of a traceback a failed local evaluation reports (the server keeps the message).
TRACEBACK_TAIL = 2000
#: What evaluating a design here gave: ``(outputs, None)`` or ``(None, failure message)``.
Outcome = Tuple[Optional[Dict[str, float]], Optional[str]]


@dataclass
class Trial:
    """A trial as the API shows it.

    Attributes:
        number: the trial's number in its study (0, 1, ...).
        parameters: the design, by parameter name (numbers, or a categorical's choice).
        job: the open attempt's id, for a trial being evaluated (pass it to pilots' logs).
        state: ``pending``, ``running``, ``completed`` or ``failed``.
        outputs: the evaluator's outputs, for a completed trial.
        attempts: attempts so far.
        error: the last failed attempt's message, for a trial that is not completed.
        sequence: the position in the study's results stream (``Study.results``).
        jobs: every attempt's job id, oldest first (``Study.trials()`` only; for job logs).
        pilot: the pilot of the latest attempt (``Study.trials()`` only).
        stderr_tail: the evaluator's stderr tail (a traceback, say) from the latest failed attempt
            (``Study.trials()`` only).
        feasible: for a completed trial, whether it satisfies every outcome constraint
            (``Study.trials()`` only).
        pareto: for a completed trial, whether it is on the feasible Pareto front
            (``Study.trials()`` only).
    """

    number: int
    parameters: Dict[str, Any]
    job: Optional[int] = None
    state: str = "running"
    outputs: Optional[Dict[str, float]] = None
    attempts: int = 0
    error: Optional[str] = None
    sequence: Optional[int] = None
    jobs: List[int] = field(default_factory=list)
    pilot: Optional[str] = None
    stderr_tail: Optional[str] = None
    feasible: Optional[bool] = None
    pareto: Optional[bool] = None
    study: Optional["Study"] = field(default=None, repr=False, compare=False)

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any], study: Optional["Study"] = None, sequence: Optional[int] = None
    ) -> "Trial":
        """A trial from the server's JSON object (``trial, state, parameters, outputs, ...``)."""
        return cls(
            number=int(data["trial"]),
            parameters=dict(data.get("parameters") or {}),
            job=data.get("job"),
            state=data.get("state", "running"),
            outputs=data.get("outputs"),
            attempts=int(data.get("attempts", 0)),
            error=data.get("error"),
            sequence=sequence,
            jobs=[int(job) for job in data.get("jobs") or []],
            pilot=data.get("pilot"),
            stderr_tail=data.get("stderr_tail"),
            feasible=data.get("feasible"),
            pareto=data.get("pareto"),
            study=study,
        )

    def tell(self, values: Optional[Mapping[str, float]] = None, failure: Optional[str] = None) -> Dict[str, Any]:
        """Reports this trial's outputs, or its failure (see :meth:`Study.tell`)."""
        if self.study is None:
            raise ValueError("this trial belongs to no study object")
        answer = self.study.tell(self.number, values=values, failure=failure, job=self.job)
        self.state = answer.get("state", self.state)
        if values is not None:
            self.outputs = dict(values)
        return answer


class Study:
    """One study of a server: ``client.study(name)`` or ``client.create_study(spec)``."""

    def __init__(self, client: "Client", name: str, summary: Optional[Dict[str, Any]] = None) -> None:
        self.client = client
        self.name = name
        self._summary = summary
        self._path = "/v1/studies/" + urllib.parse.quote(name, safe="")

    def __repr__(self) -> str:
        return f"Study({self.name!r})"

    # MARK: Reading

    def summary(self) -> Dict[str, Any]:
        """Counts by state, budget, hypervolume and specification (``GET /v1/studies/{s}``)."""
        self._summary = self.client._request("GET", self._path)
        return self._summary

    @property
    def specification(self) -> Dict[str, Any]:
        """The study's specification (the study-file dict, as the server stored it)."""
        if not self._summary or "specification" not in self._summary:
            self.summary()
        return self._summary["specification"]  # type: ignore[index]

    def trials(self) -> List[Trial]:
        """Every trial, in order (``GET .../trials``)."""
        return [Trial.from_json(t, self) for t in self.client._request("GET", f"{self._path}/trials")]

    def front(self) -> Dict[str, Any]:
        """The Pareto front: ``objectives``, ``reference``, ``hypervolume`` and its ``trials``."""
        return self.client._request("GET", f"{self._path}/front")

    def history(self) -> List[Dict[str, Any]]:
        """The hypervolume after each trial: ``[{"trials": n, "hypervolume": hv}, ...]``."""
        return self.client._request("GET", f"{self._path}/history")

    def csv(self) -> str:
        """The trials as the text of ``paretopilot study export FILE --format csv``."""
        specification = self.specification
        trials = self.client._request("GET", f"{self._path}/trials")
        return report.to_csv(*report.trials_table(specification, trials))

    def trials_dataframe(self) -> "pandas.DataFrame":
        """The trials as a pandas DataFrame with the columns, order and values of the CSV export."""
        try:
            import pandas
        except ImportError:
            raise ImportError(
                "trials_dataframe() needs pandas: pip install 'paretopilot[pandas]' (or pip install pandas)"
            ) from None
        return pandas.read_csv(io.StringIO(self.csv()))

    # MARK: Ask and tell

    def ask(self, n: int = 1) -> List[Trial]:
        """`n` designs to evaluate, as running trials: queued ones first, then new suggestions."""
        answer = self.client._request("POST", f"{self._path}/ask", {"count": n})
        return [Trial.from_json(t, self) for t in answer["trials"]]

    def tell(
        self,
        number: int,
        values: Optional[Mapping[str, float]] = None,
        failure: Optional[str] = None,
        job: Optional[int] = None,
    ) -> Dict[str, Any]:
        """Reports trial `number`'s outputs (`values`) or its `failure` (a message).

        Telling the same thing twice is a no-op (``recorded`` false); a different result for a
        finished trial is a :class:`~paretopilot.errors.Conflict`.
        """
        if (values is None) == (failure is None):
            raise ValueError("give exactly one of values and failure")
        body: Dict[str, Any] = (
            {"values": check_outputs(values)} if values is not None else {"failure": {"message": failure}}
        )
        if job is not None:
            body["job"] = job
        return self.client._request("POST", f"{self._path}/trials/{int(number)}/tell", body, idempotent=True)

    def add_trial(self, parameters: Mapping[str, Any]) -> Trial:
        """Adds a design of your own (evaluated by pilots, or told by you)."""
        answer = self.client._request("POST", f"{self._path}/trials", {"parameters": dict(parameters)})
        return Trial.from_json(answer, self)

    # MARK: Results

    def results(self, follow: bool = False, after: int = 0) -> Iterator[Trial]:
        """Finished trials (completed, or failed for good) in the order they finished.

        Without `follow`, those finished so far (after sequence number `after`). With `follow`, a
        stream that waits for the next ones and ends when the study has no more trials to run; a
        dropped connection is resumed after the last result received, so each trial comes once.
        """
        return self._follow_results(after) if follow else self._result_pages(after)

    def _result_pages(self, after: int) -> Iterator[Trial]:
        """``GET .../results?after=N`` page after page, until one brings nothing new."""
        while True:
            page = self.client._request("GET", f"{self._path}/results", query={"after": after})
            start = after
            for item in page.get("results") or []:
                sequence = int(item["sequence"])
                if sequence > after:
                    after = sequence
                    yield Trial.from_json(item["trial"], self, sequence)
            after = max(after, int(page.get("next_after", after)))
            if after <= start:
                return

    def _follow_results(self, after: int) -> Iterator[Trial]:
        """The ``follow=true`` event stream until its ``end`` event, resumed when it breaks off."""
        transport = self.client._transport
        failures = 0
        while True:
            query = {"after": after, "follow": True}
            try:
                with contextlib.closing(transport.events(f"{self._path}/results", query)) as events:
                    for event in events:
                        if event.event == "end":
                            return
                        if event.event != "trial":
                            continue
                        sequence = int(event.id) if event.id else None
                        if sequence is not None:
                            if sequence <= after:
                                continue  # sent again after a reconnection
                            after = sequence
                        failures = 0
                        yield Trial.from_json(event.json(), self, sequence)
            except StreamIdle:
                continue  # the server was there all along: ask again at once
            except ConnectionFailed as error:
                problem = error
            else:
                problem = ConnectionFailed(f"the results stream of {self.name!r} closed before its end event")
            if failures >= transport.retries:
                raise problem
            failures += 1
            time.sleep(min(30.0, transport.backoff * 2 ** (failures - 1)))

    def wait(self, n: Optional[int] = None, timeout: Optional[float] = None, poll: float = 1.0) -> Dict[str, Any]:
        """Blocks until `n` trials (default: the budget) are finished; returns the summary.

        Raises :class:`TimeoutError` after `timeout` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            summary = self.summary()
            target = summary["budget"] if n is None else n
            # Infeasible trials (a workflow step declared the design so) are finished too.
            finished = summary["completed"] + summary["failed"] + summary.get("infeasible", 0)
            if finished >= target:
                return summary
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"study {self.name!r}: {finished} of {target} trials finished after {timeout} s")
            time.sleep(poll if deadline is None else max(0.0, min(poll, deadline - time.monotonic())))

    # MARK: Running a function here

    def optimize(
        self,
        func: Callable[..., Mapping[str, float]],
        n_trials: int,
        n_jobs: int = 1,
        executor: str = "thread",
        show_progress: Optional[bool] = None,
    ) -> List[Trial]:
        """Evaluates `n_trials` designs here: asks, calls ``func(**parameters)``, tells.

        `func` returns a dict of outputs (every objective, and what constraints need). An
        exception, or an answer that is not a dict of finite numbers, is told as a failure with
        the traceback's tail. `n_jobs` evaluations run at once in threads, or in processes with
        ``executor="process"`` (then `func` must be a module-level function). A progress bar goes
        to stderr when it is a terminal (or `show_progress` is true). Returns the trials told.
        """
        if executor not in ("thread", "process"):
            raise ValueError("executor must be 'thread' or 'process'")
        n_jobs = max(1, int(n_jobs))
        pool_type = futures.ThreadPoolExecutor if executor == "thread" else futures.ProcessPoolExecutor
        progress = _Progress(n_trials, sys.stderr.isatty() if show_progress is None else show_progress)
        told: List[Trial] = []
        running: Dict["futures.Future[Outcome]", Trial] = {}
        asked = 0
        try:
            with pool_type(max_workers=n_jobs) as pool:
                while asked < n_trials or running:
                    want = min(n_jobs - len(running), n_trials - asked)
                    if want > 0:
                        trials = self.ask(want)
                        asked += len(trials) if trials else want
                        for trial in trials:
                            running[pool.submit(_evaluate, func, trial.parameters)] = trial
                    if not running:
                        break
                    done, _ = futures.wait(list(running), return_when=futures.FIRST_COMPLETED)
                    for future in done:
                        trial = running.pop(future)
                        try:
                            outputs, failure = future.result()
                        except Exception:  # the pool itself failed (pickling, a dead process)
                            outputs, failure = None, _traceback_tail()
                        self._tell_outcome(trial, outputs, failure)
                        told.append(trial)
                        progress.update(trial.state != "completed")
        finally:
            for trial in running.values():  # interrupted: leave nothing running forever
                with contextlib.suppress(Exception):
                    self.tell(trial.number, failure="optimize() was interrupted", job=trial.job)
            progress.close()
        return told

    def _tell_outcome(self, trial: Trial, outputs: Optional[Dict[str, float]], failure: Optional[str]) -> None:
        if outputs is not None:
            try:
                trial.tell(values=outputs)
                return
            except APIError as error:
                if error.status not in (400, 422):
                    raise
                failure = f"the server refused the outputs {outputs}: {error.message}"
        trial.tell(failure=failure)
        trial.error = failure


def _evaluate(func: Callable[..., Any], parameters: Dict[str, Any]) -> Outcome:
    """Calls `func` (in a worker): ``(outputs, None)``, or ``(None, traceback tail)``."""
    try:
        return check_outputs(func(**parameters)), None
    except Exception:
        return None, _traceback_tail()


def check_outputs(result: Any) -> Dict[str, float]:
    """`result` as a dict of finite floats; a :class:`ValueError` that says what is wrong otherwise."""
    if not isinstance(result, Mapping):
        raise ValueError(f"the objective function must return a dict of outputs, not {type(result).__name__}")
    outputs: Dict[str, float] = {}
    for name, value in result.items():
        if isinstance(value, (bool, str)) or not (isinstance(value, (int, float)) or hasattr(value, "__float__")):
            raise ValueError(f"output {name!r} is {value!r}, not a number")
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"output {name!r} is {number}, not a finite number")
        outputs[str(name)] = number
    return outputs


def _traceback_tail() -> str:
    text = traceback.format_exc().rstrip()
    return text if len(text) <= TRACEBACK_TAIL else "…" + text[-TRACEBACK_TAIL:]


class _Progress:
    """A one-line progress bar on stderr: ``[######----] 12/20 trials, 1 failed``."""

    def __init__(self, total: int, enabled: bool, width: int = 30) -> None:
        self.total, self.enabled, self.width = max(1, total), enabled, width
        self.done = self.failed = 0
        self.start = time.monotonic()
        self._draw()

    def update(self, failed: bool) -> None:
        self.done += 1
        self.failed += int(failed)
        self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        filled = self.width * self.done // self.total
        failed = f", {self.failed} failed" if self.failed else ""
        elapsed = time.monotonic() - self.start
        sys.stderr.write(
            f"\r[{'#' * filled}{'-' * (self.width - filled)}] {self.done}/{self.total} trials{failed} ({elapsed:.0f} s)"
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()
