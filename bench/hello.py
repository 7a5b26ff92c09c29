"""The ceiling for bench/web.py: the smallest Flask app, served by the same gunicorn command
(`gunicorn -c gunicorn.conf.py --pythonpath bench hello:app`) in the same run as the forum."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
