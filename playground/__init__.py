"""`crmarena repl`: a SOQL/SOSL playground over exactly the org an episode would build.

Agent developers see what their agent sees: the same drifted names, the same distractor rows, the
same results and the same `[{"errorCode", "message"}]` errors.

    session = PlaygroundSession(org="b2b", drift="medium", rot="low", seed=0)
    outcome = session.run("SELECT Id, Name FROM Account LIMIT 3")   # StatementOutcome

Modules: session (the episode's org and the REPL's state), completion (prompt_toolkit completer
over the drifted schema), render (rich tables and errors), meta (dot commands), script
(splitting input into statements), shell (the interactive and scripted modes; crmarena_cli.repl
parses the flags).
"""

from playground.session import PlaygroundSession, SessionSettings, StatementOutcome

__all__ = ["PlaygroundSession", "SessionSettings", "StatementOutcome"]
