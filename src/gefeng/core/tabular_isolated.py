"""Reading an uploaded table in a child process, so that no file can take its caller down.

python-calamine is Rust: a hostile workbook that slips past the checks of `core.tabular_guard`
(an .xls or .xlsb, which are binary, or a bug not yet known) makes it abort the whole process —
in the web server, another user's request on the same worker; in the job runner, the job, which
would then stay "running" for ever. So every upload is read by `open_table_isolated`: a child
started by the `forkserver` method (a small clean process, not a copy of the web worker) runs
`core.tabular.open_table` under a memory limit (`RLIMIT_AS`) and a CPU-time limit (`RLIMIT_CPU`)
and sends the sheet, then the rows in chunks, through a pipe. The pipe's buffer is the flow
control: the child reads ahead a few chunks and waits while the caller works.

If the child dies (a signal, the memory limit, the time limit) or stays silent longer than the
time limit, the caller gets a TabularError with a Chinese message and the child is gone; the
caller stops reading (the preview takes ten rows) and the child is ended.

The cost is the start of the child (~20 ms with forkserver) and the pickling of the rows
(a few percent of a big import; see docs/performance.md).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import weakref
from collections.abc import Collection, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from gefeng.core.tabular import MSG_UNREADABLE, Column, Row, Sheet, open_table
from gefeng.core.tabular_guard import Limits, TabularError

__all__ = ["MSG_DIED", "MSG_TIMEOUT", "open_table_isolated"]

CHUNK = 1000  # rows per message
MSG_DIED = (
    "读取文件时出错：文件过大或已损坏，读取它的进程超出了内存限制而终止。"
    "请用 Excel 或 WPS 打开后另存为 .xlsx，删除多余的行列后再导入。"
)
MSG_TIMEOUT = "读取文件超时：文件过大或结构异常。请用 Excel 或 WPS 打开后另存为 .xlsx，必要时拆分后分批导入。"
MSG_MEMORY = "读取文件所需的内存超过了限制，文件可能过大或已损坏。请拆分后分批导入。"


def _context() -> Any:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The server imports the readers once; each child is a fork of it and starts in milliseconds.
    context.set_forkserver_preload(["gefeng.core.tabular_isolated"])
    return context


def open_table_isolated(
    path: str | Path,
    columns: list[Column],
    *,
    max_bytes: int | None = None,
    filename: str | None = None,
    compact: Collection[str] = frozenset(),
    limits: Limits | None = None,
    memory_mb: int | None = None,
    seconds: int | None = None,
) -> tuple[Sheet, Iterator[Row]]:
    """`core.tabular.open_table` in a child process (same arguments, same results, same errors).

    The limits, memory and time default to the settings `GEFENG_IMPORT_*`."""
    if limits is None or memory_mb is None or seconds is None:
        from django.conf import settings

        limits = limits or Limits.from_settings()
        memory_mb = memory_mb or settings.IMPORT_READ_MEMORY_MB
        seconds = seconds or settings.IMPORT_READ_SECONDS
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(sender, os.fspath(path), columns, max_bytes, filename, tuple(compact), limits, memory_mb, seconds),
        daemon=True,
    )
    process.start()
    sender.close()  # the child holds the only writing end: its death is an EOF here
    stream = _Rows(receiver, process, seconds)
    try:
        message = stream.receive()
        if message[0] != "sheet":
            raise TabularError(MSG_UNREADABLE)
    except BaseException:
        stream.close()
        raise
    return message[1], stream


def _stop(receiver: Connection, process: Any) -> None:
    if process.is_alive():
        process.kill()
    process.join(5)
    receiver.close()


class _Rows:
    """The rows coming from the child; ends the child when done, closed or dropped."""

    def __init__(self, receiver: Connection, process: Any, seconds: int) -> None:
        self.receiver, self.process, self.seconds = receiver, process, seconds
        self.pending: Iterator[Row] = iter(())
        self.done = False
        self._finalizer = weakref.finalize(self, _stop, receiver, process)

    def __iter__(self) -> _Rows:
        return self

    def __next__(self) -> Row:
        while True:
            row = next(self.pending, None)
            if row is not None:
                return row
            if self.done:
                raise StopIteration
            message = self.receive()
            if message[0] == "end":
                self.close()
                raise StopIteration
            self.pending = (Row(number, values) for number, values in message[1])

    def receive(self) -> tuple[Any, ...]:
        try:
            if not self.receiver.poll(self.seconds):
                self.close()
                raise TabularError(MSG_TIMEOUT)
            message: tuple[Any, ...] = self.receiver.recv()
        except (EOFError, OSError):
            self.process.join(5)
            code = self.process.exitcode
            self.close()
            raise TabularError(MSG_TIMEOUT if code == -signal.SIGXCPU else MSG_DIED) from None
        if message[0] == "error":
            self.close()
            raise TabularError(message[1])
        if message[0] == "oserror":
            self.close()
            raise (FileNotFoundError if message[1] else OSError)(message[2])
        return message

    def close(self) -> None:
        self.done = True
        self._finalizer()


def _child(
    sender: Connection,
    path: str,
    columns: list[Column],
    max_bytes: int | None,
    filename: str | None,
    compact: tuple[str, ...],
    limits: Limits,
    memory_mb: int,
    seconds: int,
) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    try:
        sheet, rows = open_table(
            path, columns, max_bytes=max_bytes, filename=filename, compact=frozenset(compact), limits=limits
        )
        sender.send(("sheet", sheet))
        chunk: list[tuple[int, dict[str, str]]] = []
        for row in rows:
            chunk.append((row.number, row.values))  # pickle writes each chunk's keys once
            if len(chunk) >= CHUNK:
                sender.send(("rows", chunk))
                chunk = []
        sender.send(("rows", chunk))
        sender.send(("end",))
    except TabularError as error:
        sender.send(("error", str(error)))
    except MemoryError:
        sender.send(("error", MSG_MEMORY))
    except (BrokenPipeError, ConnectionResetError):
        return  # the caller stopped reading (a preview): nothing to tell
    except OSError as error:  # the file vanished or the disk failed: the caller says which
        sender.send(("oserror", isinstance(error, FileNotFoundError), str(error)))
    except Exception:
        sender.send(("error", MSG_UNREADABLE))
    finally:
        sender.close()
