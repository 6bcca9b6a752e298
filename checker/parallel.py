"""Checking many files: one worker process per file at a time (-j N), results in input order, a progress bar on a TTY."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable


def default_jobs() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def _progress(total: int):
    """A callable advancing a rich progress bar on stderr when stderr is a terminal and there are several files."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("qtcheck"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("files", total=total)
        yield lambda: bar.advance(task)


def check_all(check: Callable, files: list[Path], jobs: int, *extra, per_file: list | None = None) -> list:
    """check(path, *extra[, per_file[i]]) for every file, in jobs processes; the results in the order of files.
    per_file holds what differs between files (each file's settings): a worker is sent its own, not all of them.

    The first file (in input order) that raises stops the run with its error, as a serial run would.
    """
    with _progress(len(files)) as advance:
        if jobs <= 1 or len(files) <= 1:
            results = []
            for i, path in enumerate(files):
                results.append(check(path, *extra, *([per_file[i]] if per_file is not None else [])))
                advance()
            return results
        import multiprocessing  # here: a run of one file or -j 1 needs neither (20 ms of imports)
        from concurrent.futures import ProcessPoolExecutor

        # fork: the workers inherit the loaded libclang and the rules instead of re-importing them
        context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, len(files)), mp_context=context) as pool:
            futures = [pool.submit(check, path, *extra, *([per_file[i]] if per_file is not None else []))
                       for i, path in enumerate(files)]
            for future in futures:
                future.add_done_callback(lambda _f: advance())
            results = []
            for future in futures:  # input order: the first failing file's error wins, as in a serial run
                try:
                    results.append(future.result())
                except BaseException:
                    for other in futures:
                        other.cancel()
                    raise
            return results
