"""Walks every dialogue through the real engine: from each persona's menu, every command, every
button offered and a few typical typed answers, breadth first, each new place reached once.

A place is cloned rather than replayed: the user's row (dialogue, step, its encrypted data, the
numbered menu) and roles are copied to a fresh user, who then takes the next action; so every
branch starts exactly where its parent stood, without walking the path again."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.engine import ConversationEngine
from db import crypto
from db.models import RoleAssignment, User
from db.records import ConversationState
from db.roles import Role, grant_role
from ground.messages import Incoming, IncomingKind, Reply
from handlers.context import RouteTable

# Answers typed at a step that reads text: an age, a date, a name, a phone, a village, a place.
SAMPLE_TEXTS = ("19", "kemarin", "Siti Aminah", "0812 3456 7890", "Sungai Kakap", "Malaysia, kebun sawit")
# Copied to a clone: where the user is, and who they are to the bot.
_STATE_COLUMNS = (
    "language",
    "language_chosen",
    "privacy_version",
    "privacy_seen_at",
    "region_code",
    "dialog",
    "step",
    "dialog_data",
    "menu_choices",
)


@dataclass(frozen=True)
class Action:
    kind: IncomingKind
    text: str = ""
    data: str = ""

    def __str__(self) -> str:
        return self.data or self.text


@dataclass
class Walk:
    """What a walk saw: every reply with the path that led to it."""

    replies: list[tuple[tuple[Action, ...], Reply]] = field(default_factory=list)
    places: set[tuple[object, ...]] = field(default_factory=set)
    actions: int = 0


class Walker:
    def __init__(
        self,
        engine: ConversationEngine,
        table: RouteTable,
        sessions: async_sessionmaker[AsyncSession],
        commands: Iterable[str],
        budget: int,
        skip: Callable[[Action], bool] = lambda action: False,
    ) -> None:
        self._engine, self._table, self._sessions = engine, table, sessions
        self._commands = sorted(commands)
        self._budget, self._skip = budget, skip
        self._numbers = itertools.count(700_000)

    async def user(
        self, language: str, role: Role | None, region: str | None, seen: Walk | None = None
    ) -> str:
        """A new user, onboarded in `language`, at the menu, holding `role` for `region`; the
        onboarding's replies and places go to `seen`."""
        user = str(next(self._numbers))
        await self.play(user, [Action("command", "/start"), Action("button", data=f"lang:{language}")], seen)
        await self.play(user, [Action("button", data="privacy:ok"), Action("button", data="menu:main")], seen)
        if role is not None:
            async with self._sessions() as session, session.begin():
                row = await self._row(session, user)
                await grant_role(session, row.id, role, region, "walk", row.created_at)
        return user

    async def play(self, user: str, actions: list[Action], seen: Walk | None = None) -> list[Reply]:
        """The actions in order as `user` (no clone), recorded in `seen`; the last replies."""
        replies: list[Reply] = []
        for action in actions:
            replies = await self._send(user, action)
            if seen is not None:
                seen.replies += [((action,), reply) for reply in replies]
                place = await self._place(user, replies)
                if place is not None:
                    seen.places.add(place)
        return replies

    async def walk(self, root: str) -> Walk:
        seen = Walk()
        start = [Action("command", f"/{command}") for command in self._commands]
        frontier: list[tuple[str, tuple[Action, ...], list[Action]]] = [(root, (), start)]
        while frontier and seen.actions < self._budget:
            parent, path, actions = frontier.pop(0)
            for action in actions:
                if seen.actions >= self._budget or self._skip(action):
                    continue
                seen.actions += 1
                child = await self._clone(parent)
                replies = await self._send(child, action)
                here = (*path, action)
                seen.replies += [(here, reply) for reply in replies]
                place = await self._place(child, replies)
                if place is None or place in seen.places:  # erased (/hapus), or seen
                    continue
                seen.places.add(place)
                frontier.append((child, here, await self._next_actions(child, replies)))
        return seen

    async def _next_actions(self, user: str, replies: list[Reply]) -> list[Action]:
        offered = [Action("button", data=b.data) for reply in replies for b in reply.all_buttons]
        async with self._sessions() as session:
            row = await self._row(session, user)
            state = ConversationState(row.dialog, row.step, crypto.open_json(session, row.dialog_data))
        dialog = self._table.dialogs.get(row.dialog)
        reads_text = dialog is not None and dialog.reads_text(state)
        typed = [Action("text", text) for text in SAMPLE_TEXTS] if reads_text and row.step != "idle" else []
        # /start from anywhere: it resumes, or asks about an unsent report.
        return [*dict.fromkeys(offered), *typed, Action("command", "/start")]

    async def _place(self, user: str, replies: list[Reply]) -> tuple[object, ...] | None:
        async with self._sessions() as session:
            found = (
                await session.execute(
                    select(User).where(User.channel == "telegram", User.external_id == user)
                )
            ).scalar_one_or_none()
            if found is None:
                return None
            row = found
            data = crypto.open_json(session, row.dialog_data)
        # Buttons by kind, not by what they name (a village, a case): the same step with other
        # villages on offer is the same place.
        buttons = tuple(
            sorted({":".join(b.data.split(":")[:2]) for reply in replies for b in reply.all_buttons})
        )
        return (row.dialog, row.step, str(data.get("current", "")), buttons)

    async def _send(self, user: str, action: Action) -> list[Reply]:
        return await self._engine.handle(
            Incoming("telegram", user, user, action.kind, text=action.text, data=action.data)
        )

    async def _row(self, session: AsyncSession, user: str) -> User:
        return (
            await session.execute(select(User).where(User.channel == "telegram", User.external_id == user))
        ).scalar_one()

    async def _clone(self, user: str) -> str:
        clone = str(next(self._numbers))
        async with self._sessions() as session, session.begin():
            row = await self._row(session, user)
            values = {column: getattr(row, column) for column in _STATE_COLUMNS}
            session.add(
                User(
                    channel="telegram",
                    external_id=clone,
                    chat_id=clone,
                    blocked=False,
                    created_at=row.created_at,
                    last_seen_at=row.last_seen_at,
                    **values,
                )
            )
            await session.flush()
            new = await self._row(session, clone)
            assignments = (
                await session.execute(select(RoleAssignment).where(RoleAssignment.user_id == row.id))
            ).scalars()
            for assignment in list(assignments):
                await session.execute(
                    insert(RoleAssignment).values(
                        user_id=new.id,
                        role=assignment.role,
                        region_code=assignment.region_code,
                        granted_by="walk",
                        granted_at=assignment.granted_at,
                        revoked_at=assignment.revoked_at,
                    )
                )
        return clone
