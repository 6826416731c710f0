"""Custom actions of the Rasa action server (rasa_sdk): answers, navigation, hand-off."""
