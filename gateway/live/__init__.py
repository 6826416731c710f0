"""转人工: hand-over of a conversation from the bot to a live agent, the agents' queue, 离线留言 tickets.

tables    the live-chat tables (sessions, their messages, agents' heartbeats) in the knowledge database
hours     service hours per department from the profile, and whether someone is on duty
desk      the queue and the sessions: open, take (one winner), reply, transfer, close, requeue, tickets
recent    the last turns of each conversation, kept so an agent sees what the bot said before
handover  the chat turn's side: the citizen's messages while a session is open, starting one on 转人工
delivery  an agent's message to the citizen's channel (pull, WeChat customer-service API, platform push)
stats     wait, first response, per agent, resolved share, ratings

State lives in the database (and heartbeats/short states in the gateway's key-value store, Redis when
configured), never in one process, so several gateway replicas serve the same queue (docs/live-agents.md).
"""
