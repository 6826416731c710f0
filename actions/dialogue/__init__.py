"""What every turn of the conversation shares: who is asking and about which item, numbered choices,
disambiguation, 长辈模式, rendering entries as messages, the greeting, the fallback ladder and 转人工."""
