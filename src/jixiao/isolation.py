"""Each file's work in a worker process, under a time and memory limit, results in input order.

A hostile file can do what no ``try`` catches: a library that aborts the interpreter (exit 134),
an allocation that takes the machine's memory, a loop that never ends. Here each such file ends
only its worker: the parent sees the worker die (or kills it at the deadline), reports that file
in one line and starts a new worker for the rest. Workers stay up between files (a worker costs a
fork), a few files ahead of the output are in flight, and memory stays flat in the batch size.
"""

from __future__ import annotations

import ctypes
import faulthandler
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterable, Iterator, TypeVar

from .errors import FileFailure, JixiaoError
from .exitcodes import check_ctrl_c
from .limits import LimitExceeded, Limits, activate, active

T = TypeVar("T")
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_MB = 1024 * 1024
_TASKS_PER_WORKER = 500  # a fresh worker now and then: nothing a library leaks can pile up


Task = tuple[str, tuple[Any, ...]] | FileFailure
"""(file, arguments of the work function), or a failure found before any work (passed through in order)."""


def _die_with_parent() -> None:
    """End with the parent (this process's or the fork server), even when it is killed with kill -9
    (Linux; elsewhere a worker ends when its pipe closes)."""
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def _address_space() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _bound_memory(limits: Limits) -> None:
    """The file may use ``limits.memory`` MB beyond what the worker holds before it starts."""
    try:
        cap = _address_space() + limits.memory * _MB
    except (OSError, ValueError):
        cap = limits.memory * _MB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _serve(conn: Connection, fn: Callable[..., Any], limits: Limits) -> None:
    _die_with_parent()
    # Its own process group: Ctrl-C goes to the parent, which ends the workers; a timeout kills the
    # worker with whatever it started (LibreOffice).
    os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    faulthandler.disable()  # a worker that aborts is reported by the parent, in one line
    activate(limits)
    _bound_memory(limits)
    while True:
        task = conn.recv()
        if task is None:
            return
        file, args = task
        try:
            result: Any = fn(*args)
        except MemoryError:
            # A worker that ran out of memory may be in any state: it reports and leaves.
            conn.send((_over_memory(file), False))
            return
        except JixiaoError as exc:
            result = FileFailure.of(exc)
        except RecursionError:
            result = FileFailure.of(LimitExceeded(file, "depth", "结构嵌套过深，超出解释器的递归上限"))
        except Exception as exc:  # noqa: BLE001 - one bad file must not end the batch
            result = FileFailure(file, "internal-error", f"{file}: 读取时发生内部错误（{type(exc).__name__}: {exc}）")
        try:
            conn.send((result, True))
        except MemoryError:
            conn.send((_over_memory(file), False))
            return
        except Exception as exc:  # noqa: BLE001 - a result that cannot be sent fails its file only
            conn.send((FileFailure(file, "internal-error", f"{file}: 结果无法传回（{type(exc).__name__}: {exc}）"), True))


def _over_memory(file: str) -> FileFailure:
    return FileFailure.of(LimitExceeded(file, "memory", "读取此文件需要的内存超过上限"))


def _context() -> multiprocessing.context.BaseContext:
    """fork when this process has one thread (fast, modules already loaded); forkserver otherwise,
    since forking a process with threads (a progress bar, a web server) can deadlock the child."""
    if threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["jixiao.pipeline", "jixiao.store.rows"])
    return ctx


_SIGNALS = {signal.SIGABRT: "SIGABRT，程序库异常中止", signal.SIGKILL: "SIGKILL，可能是内存耗尽被系统终止",
            signal.SIGSEGV: "SIGSEGV，程序库访问越界", signal.SIGBUS: "SIGBUS"}


def _died(file: str, exitcode: int | None) -> FileFailure:
    if exitcode is not None and exitcode < 0:
        why = _SIGNALS.get(-exitcode, f"信号 {-exitcode}")  # type: ignore[call-overload]
        return FileFailure(file, "worker-crashed", f"{file}: 读取此文件的进程异常终止（{why}），已跳过此文件")
    code = 134 if exitcode is None else exitcode
    return FileFailure(file, "worker-crashed", f"{file}: 读取此文件的进程异常退出（退出码 {code}），已跳过此文件")


class _Worker:
    def __init__(self, ctx: multiprocessing.context.BaseContext, fn: Callable[..., Any], limits: Limits) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, fn, limits), daemon=True)  # type: ignore[attr-defined]
        # Ctrl-C held back while the worker is forked: landing between fork and the child's own handler,
        # the child swallowed it and the parent never saw it. Released, it reaches the parent here.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.proc.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        child.close()
        self.index: int | None = None
        self.served = 0
        self.file = ""
        self.deadline = 0.0

    def give(self, index: int, file: str, args: tuple[Any, ...], timeout: int) -> None:
        self.index, self.file, self.deadline = index, file, time.monotonic() + timeout
        self.served += 1
        self.conn.send((file, args))

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # type: ignore[arg-type]
        except (ProcessLookupError, PermissionError, TypeError):
            self.proc.kill()
        self.proc.join()
        self.conn.close()

    def stop(self) -> None:
        if self.proc.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.proc.join(1)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


def run(fn: Callable[..., T], tasks: Iterable[Task], workers: int = 1,
        limits: Limits | None = None) -> Iterator[T | FileFailure]:
    """``fn(*args)`` of each task in a worker, yielded in task order; a file that fails, times out,
    runs out of memory or kills its worker yields a :class:`FileFailure` instead."""
    limits = limits or active()
    ctx = _context()
    workers = max(1, workers)
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    queue: deque[tuple[int, str, tuple[Any, ...]]] = deque()
    done: dict[int, Any] = {}
    source = iter(tasks)
    exhausted = False
    taken = emitted = 0
    window = workers * 4
    try:
        while True:
            check_ctrl_c()
            while not exhausted and taken - emitted < window:
                try:
                    task = next(source)
                except StopIteration:
                    exhausted = True
                    break
                if isinstance(task, FileFailure):
                    done[taken] = task
                else:
                    queue.append((taken, *task))
                taken += 1
            while queue and len(busy) < workers:
                worker = idle.pop() if idle else _Worker(ctx, fn, limits)
                index, file, args = queue.popleft()
                worker.give(index, file, args, limits.timeout)
                busy.append(worker)
            while emitted in done:
                yield done.pop(emitted)
                emitted += 1
            if not busy:
                if exhausted and not queue:
                    return
                continue
            now = time.monotonic()
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy],
                             max(0.0, min(w.deadline for w in busy) - now)))
            for worker in list(busy):
                result: Any = None
                alive = False
                if worker.conn in ready:
                    try:
                        result, alive = worker.conn.recv()
                    except (EOFError, OSError):
                        worker.proc.join()
                        result = _died(worker.file, worker.proc.exitcode)
                elif worker.proc.sentinel in ready:
                    worker.proc.join()
                    result = _died(worker.file, worker.proc.exitcode)
                elif time.monotonic() >= worker.deadline:
                    worker.kill()
                    exc = LimitExceeded(worker.file, "timeout", f"超过 {limits.timeout} 秒仍未读完，已停止", limits=limits)
                    result = FileFailure(worker.file, exc.code, exc.message)
                else:
                    continue
                busy.remove(worker)
                done[worker.index] = result  # type: ignore[index]
                if alive and worker.served < _TASKS_PER_WORKER:
                    idle.append(worker)
                elif not worker.conn.closed:
                    worker.stop()
    finally:
        for worker in busy + idle:
            worker.stop()
