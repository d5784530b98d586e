# Overcast's Python runtime client: runs inside the function's process and speaks the Lambda
# Runtime API 2018-06-01 (AWS_LAMBDA_RUNTIME_API), following AWS's Python runtime interface client
# (awslambdaric): "module.function" handlers, the context object, error documents
# {errorMessage, errorType, requestId, stackTrace}, Runtime.* init errors, the log format.
import email.message
import http.client
import importlib
import json
import logging
import os
import socket
import struct
import sys
import time
import traceback
from decimal import Decimal

ENV = os.environ
API = ENV.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
HOST, _, PORT = API.rpartition(":")
PREFIX = "/2018-06-01/runtime/"

# One record per line: stdout line-buffered so prints reach the log as they happen.
try:
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
except Exception:  # pragma: no cover
    pass

_conn = None

# Overcast's framed channel (src/services/lambda/runtime-api/ipc.ts) on this fd, when it gave one:
# u32 header length, u32 body length, JSON header, body. Not for the function's eyes (nor its
# child processes).
_channel = None
_channel_fd = ENV.pop("_OVERCAST_RUNTIME_FD", "")
if _channel_fd.isdigit() and int(_channel_fd) > 2:
    try:
        os.set_inheritable(int(_channel_fd), False)
        _channel = socket.socket(fileno=int(_channel_fd))
    except OSError:
        _channel = None


def _channel_recv(n):
    parts = []
    while n > 0:
        data = _channel.recv(min(n, 1048576))
        if not data:
            raise ConnectionError("The Runtime API channel closed")
        parts.append(data)
        n -= len(data)
    return b"".join(parts)


def _channel_send(header, body=b""):
    h = json.dumps(header).encode()
    _channel.sendall(struct.pack(">II", len(h), len(body)) + h + body)


def _channel_request(method, path, body=None, headers=None):
    """The HTTP calls of this client, as frames: the same (status, headers, body) back."""
    headers = headers or {}
    if method == "GET":
        _channel_send({"t": "next"})
        hl, bl = struct.unpack(">II", _channel_recv(8))
        frame = json.loads(_channel_recv(hl))
        data = _channel_recv(bl)
        msg = email.message.Message()
        for k, v in (frame.get("h") or {}).items():
            msg[k] = v
        return (200 if frame.get("t") == "event" else frame.get("status", 500)), msg, data
    if path == "init/error":
        header = {"t": "init-error"}
    else:
        request_id, kind = path.split("/", 1)[1].rsplit("/", 1)
        header = {"t": kind, "id": request_id}
        if kind == "response":
            header["ct"] = headers.get("Content-Type", "application/json")
    if "Lambda-Runtime-Function-Error-Type" in headers:
        header["type"] = headers["Lambda-Runtime-Function-Error-Type"]
    _channel_send(header, body or b"")
    return 202, email.message.Message(), b""


def _request(method, path, body=None, headers=None):
    global _conn
    if _channel is not None:
        return _channel_request(method, path, body, headers)
    for attempt in (0, 1):
        if _conn is None:
            _conn = http.client.HTTPConnection(HOST, int(PORT))
        try:
            _conn.request(method, PREFIX + path, body=body, headers=headers or {})
            res = _conn.getresponse()
            data = res.read()
            return res.status, res.headers, data
        except (http.client.HTTPException, ConnectionError, OSError):
            _conn.close()
            _conn = None
            if attempt:
                raise


class FaultException(Exception):
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    MARSHAL_ERROR = "Runtime.MarshalError"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


def _error_doc(exc, request_id):
    if isinstance(exc, FaultException):
        return {
            "errorMessage": exc.msg,
            "errorType": exc.exception_type,
            "requestId": request_id,
            "stackTrace": exc.trace if exc.trace is not None else [],
        }
    tb = traceback.extract_tb(exc.__traceback__)
    # Drop this runtime's own frames, as AWS's runtime does.
    tb = [f for f in tb if f.filename != __file__]
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(tb),
    }


def _log_error(doc):
    lines = ["[ERROR] %s: %s" % (doc["errorType"], doc["errorMessage"]), "Traceback (most recent call last):"]
    for entry in doc.get("stackTrace") or []:
        lines.append(entry.rstrip("\n"))
    sys.stdout.write("\r".join(lines).replace("\n", "\r") + "\n")
    sys.stdout.flush()


def _get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e)))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        m = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, str(e))
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR, "Syntax error in module '{}': {}".format(modname, str(e)), trace
        )
    try:
        request_handler = getattr(m, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname), None
        )
    return request_handler


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]


class LambdaContext(object):
    def __init__(self, invoke_id, client_context, cognito_identity, epoch_deadline_time_in_ms, invoked_function_arn):
        self.aws_request_id = invoke_id
        self.log_group_name = ENV.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = ENV.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = ENV.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = ENV.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = ENV.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.client_context = None
        if client_context:
            cc = ClientContext()
            cc.custom = client_context.get("custom")
            cc.env = client_context.get("env")
            cl = client_context.get("client")
            if cl:
                c = Client()
                c.installation_id = cl.get("installation_id")
                c.app_title = cl.get("app_title")
                c.app_version_name = cl.get("app_version_name")
                c.app_version_code = cl.get("app_version_code")
                c.app_package_name = cl.get("app_package_name")
                cc.client = c
            else:
                cc.client = None
            self.client_context = cc
        self.identity = CognitoIdentity()
        self.identity.cognito_identity_id = (cognito_identity or {}).get("cognitoIdentityId")
        self.identity.cognito_identity_pool_id = (cognito_identity or {}).get("cognitoIdentityPoolId")
        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        return int(max(self._epoch_deadline_time_in_ms - int(round(time.time() * 1000)), 0))

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id={},log_group_name={},log_stream_name={},function_name={},"
            "memory_limit_in_mb={},function_version={},invoked_function_arn={},client_context={},identity={}])".format(
                self.aws_request_id,
                self.log_group_name,
                self.log_stream_name,
                self.function_name,
                self.memory_limit_in_mb,
                self.function_version,
                self.invoked_function_arn,
                self.client_context,
                self.identity,
            )
        )


_current_request_id = None


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _current_request_id
        return True


def _setup_logging():
    # AWS's format for the logging module: "[LEVEL]\t<time>Z\t<request id>\t<message>".
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())

    # One record = one line: newlines become carriage returns, as AWS's runtime writes them.
    def emit(record):
        try:
            msg = handler.format(record).replace("\n", "\r")
            handler.stream.write(msg + "\n")
            handler.flush()
        except Exception:
            handler.handleError(record)

    handler.emit = emit
    root = logging.getLogger()
    root.addHandler(handler)


def _decimal_serializer(o):
    if isinstance(o, Decimal):
        return float(o)
    raise TypeError(repr(o) + " is not JSON serializable")


def _to_json(obj):
    return json.dumps(obj, default=_decimal_serializer)


def _post_init_error(doc):
    body = json.dumps(doc).encode()
    _request(
        "POST",
        "init/error",
        body,
        {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": doc["errorType"]},
    )


class _BotocoreEndpointHook(object):
    """Makes an older botocore (before 1.31, which reads AWS_ENDPOINT_URL itself) send its clients to
    AWS_ENDPOINT_URL: when botocore.session is first imported, Session.create_client gets that
    endpoint as its default. Nothing is imported ahead of the function's own imports."""

    def find_spec(self, name, path=None, target=None):
        if name != "botocore.session":
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        hook = self

        class _Loader(object):
            def create_module(self, spec):
                return loader.create_module(spec) if hasattr(loader, "create_module") else None

            def exec_module(self, module):
                loader.exec_module(module)
                hook.patch(module)

        spec.loader = _Loader()
        return spec

    @staticmethod
    def patch(module):
        try:
            import botocore

            version = tuple(int(x) for x in botocore.__version__.split(".")[:2])
        except Exception:
            return
        if version >= (1, 31):
            return
        original = module.Session.create_client

        def create_client(self, service_name, region_name=None, api_version=None, use_ssl=True,
                          verify=None, endpoint_url=None, *args, **kwargs):
            if endpoint_url is None:
                endpoint_url = os.environ.get("AWS_ENDPOINT_URL") or None
            return original(self, service_name, region_name, api_version, use_ssl, verify, endpoint_url,
                            *args, **kwargs)

        module.Session.create_client = create_client


def main():
    global _current_request_id
    _setup_logging()
    if ENV.get("AWS_ENDPOINT_URL") and "botocore.session" not in sys.modules:
        sys.meta_path.insert(0, _BotocoreEndpointHook())
    handler_name = ENV.get("_HANDLER", "")
    task_root = ENV.get("LAMBDA_TASK_ROOT", os.getcwd())
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    try:
        request_handler = _get_handler(handler_name)
    except FaultException as e:
        doc = _error_doc(e, "")
        _log_error(doc)
        _post_init_error(doc)
        sys.exit(1)
    except Exception as e:
        doc = _error_doc(e, "")
        _log_error(doc)
        _post_init_error(doc)
        sys.exit(1)

    while True:
        status, headers, body = _request("GET", "invocation/next")
        if status != 200:
            sys.stdout.write("Failed to get next invocation: %s %s\n" % (status, body))
            sys.exit(1)
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        _current_request_id = request_id
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            ENV["_X_AMZN_TRACE_ID"] = trace_id
        else:
            ENV.pop("_X_AMZN_TRACE_ID", None)
        try:
            client_context = headers.get("Lambda-Runtime-Client-Context")
            cognito = headers.get("Lambda-Runtime-Cognito-Identity")
            context = LambdaContext(
                request_id,
                json.loads(client_context) if client_context else None,
                json.loads(cognito) if cognito else None,
                int(headers.get("Lambda-Runtime-Deadline-Ms", "0")),
                headers.get("Lambda-Runtime-Invoked-Function-Arn"),
            )
            event = json.loads(body) if body else None
            result = request_handler(event, context)
            try:
                out = _to_json(result).encode()
            except Exception as e:
                raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)))
            _request(
                "POST",
                "invocation/%s/response" % request_id,
                out,
                {"Content-Type": "application/json"},
            )
        except Exception as e:
            doc = _error_doc(e, request_id)
            _log_error(doc)
            _request(
                "POST",
                "invocation/%s/error" % request_id,
                json.dumps(doc).encode(),
                {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": doc["errorType"]},
            )


if __name__ == "__main__":
    main()
