"""The part of opentelemetry.trace that Telemetry Lens' instrumentation uses, as no-ops (see ../../README.md)."""
import enum
from contextlib import contextmanager


class StatusCode(enum.Enum):
    UNSET = 0
    OK = 1
    ERROR = 2


class Status:
    def __init__(self, status_code=StatusCode.UNSET, description=None):
        self.status_code = status_code
        self.description = description


class NonRecordingSpan:
    def set_attribute(self, key, value):
        pass

    def set_attributes(self, attributes):
        pass

    def add_event(self, name, attributes=None, timestamp=None):
        pass

    def record_exception(self, exception, attributes=None, timestamp=None, escaped=False):
        pass

    def set_status(self, status, description=None):
        pass

    def update_name(self, name):
        pass

    def is_recording(self):
        return False

    def end(self, end_time=None):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Tracer:
    def start_span(self, name, *args, **kwargs):
        return NonRecordingSpan()

    @contextmanager
    def start_as_current_span(self, name, *args, **kwargs):
        yield NonRecordingSpan()


_TRACER = Tracer()
_SPAN = NonRecordingSpan()


def get_tracer(instrumenting_module_name, *args, **kwargs):
    return _TRACER


def get_current_span(context=None):
    return _SPAN
