"""The org as a Salesforce instance: the REST API, SOAP and OAuth logins over HTTPS, so that
unmodified Salesforce clients (simple_salesforce, jsforce, CRMArena's own code) run on it.

    crmarena sandbox [--org --drift --rot --seed --today --task] [--port] [--proxy-port]
    with Sandbox(SandboxOptions(settings, port=0, tls_dir=...)) as sb: sb.instance_url

Modules: instance (the episode org, its Id and logged-in User), tls (local CA + certificate),
sessions (logins), cursors (query locators), soap (login envelopes), records (records by Id or
field), calls (one request's checks, errors and log record), login and rest (the handlers), app
(the routes), transport (HTTPS-only port), proxy (CONNECT for *.salesforce.com), log (episode
logs of sessions), server (runs it all). Nothing else in the project imports this package except
the `crmarena sandbox` command.
"""
