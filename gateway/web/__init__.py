"""The H5 chat page (mobile first) served by the gateway at `/web/`: history, buttons, guide cards,
长辈模式 and browser voice input; it talks to `/api/chat` like the app does."""
