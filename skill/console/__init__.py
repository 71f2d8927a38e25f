"""Try Foot Coach without an Echo: type what you would say, hear (or read) what Alexa would say.

The console plays Alexa's part. ``understanding`` turns a typed utterance into an intent with
the skill's own interaction model, ``envelopes`` wraps it in the request JSON Alexa sends,
``transport`` hands it to the skill (in-process or over HTTP), ``speech`` and ``responses``
read the answer back the way a device would, and ``voice`` speaks it with real pauses.
Only ``command`` knows about the terminal.
"""
