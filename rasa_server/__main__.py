"""`python -m rasa_server run …`: Rasa's command line (same arguments) with rasa_server's fixes applied."""

import sys

from rasa_server import parsed_intent, validation


def main() -> None:
    validation.install()
    parsed_intent.install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
