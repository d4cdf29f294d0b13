"""The `user` command group: the first administrator, accounts, roles, initial passwords and login links, the
identities of the office's single sign-on."""
from __future__ import annotations

import argparse
import getpass
import os
import sys

from pydantic import ValidationError

from scoring.common import accounts, clock, single_sign_on
from scoring.common.access import Grant, Role
from scoring.common.accounts import AccountPolicy, CredentialKind
from scoring.cli.base import CliError, Options, emit, principal
from scoring.common.models import City
from scoring.common.normalize import validated
from scoring.storage import Storage

NO_ADMIN_EXIT = 3  # `user has-admin`: distinct from 1 (an error such as a database held by the running app)
ROLE_ALIASES = {"admin": Role.ADMIN, "staff": Role.STAFF, "expert": Role.EXPERT, "city": Role.CITY,
                "observer": Role.OBSERVER, **{role.value: role for role in Role}}
DEFAULT_APP_URL = "http://localhost:8501"


def add_commands(commands, options: Options) -> None:
    common, printing, _ = options
    user = commands.add_parser("user", help="账号与角色：首个管理员、新建账号、授予与撤销角色、重置密码",
                               description="管理登录账号与角色。命令行在服务器上运行，视为系统管理员操作。")
    actions = user.add_subparsers(dest="user_command", required=True, metavar="子命令")
    role_args = _role_arguments()

    admin = actions.add_parser("create-admin", parents=[common, printing], help="创建首个系统管理员（仅当尚无管理员时）",
                               description="系统尚无管理员时创建首个系统管理员；密码在终端输入两次，或用 --password-stdin 从标准输入读取。")
    admin.add_argument("login", help="登录名，如 admin")
    admin.add_argument("--display-name", default="系统管理员", help="姓名（默认“系统管理员”）")
    admin.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（供脚本使用）")
    admin.set_defaults(run=cmd_create_admin)

    add = actions.add_parser("add", parents=[common, printing, role_args], help="新建账号并发放初始密码或一次性登录链接",
                             description="新建账号、授予一个角色，并打印初始密码（或 --link 时的一次性登录链接）；"
                                         "首次登录须修改密码。")
    add.add_argument("login", help="登录名（小写字母、数字和 . _ @ -）")
    add.add_argument("--display-name", required=True, help="姓名")
    add.add_argument("--expert-id", help="关联的专家编号（专家账号）")
    add.add_argument("--link", action="store_true", help="发放一次性登录链接而不是初始密码")
    add.add_argument("--app-url", default=os.environ.get("SCORING_APP_URL", DEFAULT_APP_URL),
                     help=f"登录链接所用的系统网址（默认取 SCORING_APP_URL 或 {DEFAULT_APP_URL}）")
    add.add_argument("--reason", default="", help="说明，记入审计日志")
    add.set_defaults(run=cmd_add)

    grant = actions.add_parser("grant", parents=[common, printing, role_args], help="授予角色",
                               description="为账号授予一个角色（可限于某批次；市局角色须指定城市）。")
    grant.add_argument("login", help="登录名")
    grant.add_argument("--reason", required=True, help="理由（必填，记入审计日志）")
    grant.set_defaults(run=cmd_grant)

    revoke = actions.add_parser("revoke", parents=[common, printing, role_args], help="撤销角色",
                                description="撤销账号的一个角色；角色、批次与城市须与授予时一致。")
    revoke.add_argument("login", help="登录名")
    revoke.add_argument("--reason", required=True, help="理由（必填，记入审计日志）")
    revoke.set_defaults(run=cmd_revoke)

    listing = actions.add_parser("list", parents=[common, printing], help="列出全部账号及其角色",
                                 description="列出全部账号、角色与状态（不含任何密码信息）。")
    listing.set_defaults(run=cmd_list)

    reset = actions.add_parser("reset", parents=[common, printing], help="重置密码（发放新的初始密码或登录链接）",
                               description="发放新的初始密码（或 --link 时的一次性登录链接）；原密码、登录状态与未用链接随即失效，"
                                           "下次登录须修改密码。")
    reset.add_argument("login", help="登录名")
    reset.add_argument("--link", action="store_true", help="发放一次性登录链接而不是初始密码")
    reset.add_argument("--app-url", default=os.environ.get("SCORING_APP_URL", DEFAULT_APP_URL),
                       help=f"登录链接所用的系统网址（默认取 SCORING_APP_URL 或 {DEFAULT_APP_URL}）")
    reset.set_defaults(run=cmd_reset)

    unlock = actions.add_parser("unlock", parents=[common, printing], help="解除因连续登录失败而锁定的账号",
                                description="解除账号锁定并清零失败次数。")
    unlock.add_argument("login", help="登录名")
    unlock.add_argument("--reason", default="", help="说明，记入审计日志")
    unlock.set_defaults(run=cmd_unlock)

    for name, active, text in (("deactivate", False, "停用"), ("activate", True, "重新启用")):
        toggle = actions.add_parser(name, parents=[common, printing], help=f"{text}账号",
                                    description=f"{text}账号；停用立即结束该账号的全部登录。")
        toggle.add_argument("login", help="登录名")
        toggle.add_argument("--reason", required=True, help="理由（必填，记入审计日志）")
        toggle.set_defaults(run=cmd_set_active, active=active)

    has_admin = actions.add_parser("has-admin", parents=[common], help="检查是否已有系统管理员（供脚本使用）",
                                   description=f"已有系统管理员时退出码为0，没有时为{NO_ADMIN_EXIT}，出错时为1。")
    has_admin.set_defaults(run=cmd_has_admin)

    link = actions.add_parser("link-sso", parents=[common, printing], help="为账号关联单位统一身份认证（OIDC）",
                              description="记录哪个统一身份认证账号以此账号登录：按身份提供方（issuer）与用户标识（sub），"
                                          "或按已验证邮箱（本人首次登录时关联其用户标识，此后只按用户标识识别）。"
                                          "统一身份认证不会新建账号或授予角色，登录后享有该账号的角色。")
    link.add_argument("login", help="登录名")
    link.add_argument("--issuer", required=True,
                      help="身份提供方的 issuer，与其 /.well-known/openid-configuration 中的 issuer 完全一致")
    identity = link.add_mutually_exclusive_group(required=True)
    identity.add_argument("--subject", help="用户标识（sub），见本人登录被拒时显示的信息或 user sso-list")
    identity.add_argument("--email", help="已验证邮箱：本人首次以此邮箱登录时关联其用户标识")
    link.add_argument("--reason", required=True, help="理由（必填，记入审计日志）")
    link.set_defaults(run=cmd_link_sso)

    unlink = actions.add_parser("unlink-sso", parents=[common, printing], help="解除账号的统一身份认证关联",
                                description="解除账号的统一身份认证关联，并立即结束该账号的全部登录。")
    unlink.add_argument("login", help="登录名")
    unlink.add_argument("--reason", required=True, help="理由（必填，记入审计日志）")
    unlink.set_defaults(run=cmd_unlink_sso)

    sso_list = actions.add_parser("sso-list", parents=[common, printing], help="列出统一身份认证关联与最近被拒的登录",
                                  description="列出各账号关联的统一身份认证，以及最近因未关联而被拒绝的统一身份认证登录"
                                              "（身份提供方、用户标识、邮箱），供关联时使用。")
    sso_list.set_defaults(run=cmd_sso_list)

    policy = actions.add_parser("policy", parents=[common, printing], help="查看或修改账号安全设置",
                                description="不带参数时显示当前设置；给出任一参数时修改（须 --reason）。")
    for field_name, field in AccountPolicy.model_fields.items():
        policy.add_argument(f"--{field_name.replace('_', '-')}", type=int, dest=field_name, help=field.title)
    policy.add_argument("--reason", default="", help="修改理由（修改时必填）")
    policy.set_defaults(run=cmd_policy)


def _role_arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--role", required=True, choices=list(ROLE_ALIASES), metavar="角色",
                        help="角色：系统管理员(admin) / 省局工作人员(staff) / 评审专家(expert) / 市局(city) / 观察员(observer)")
    parser.add_argument("--batch", help="只在某批次有效（默认全部批次）")
    parser.add_argument("--city", choices=[c.value for c in City], metavar="城市", help="市局角色的城市，如 大连市")
    return parser


def _grant(args) -> Grant:
    return validated(Grant, {"role": ROLE_ALIASES[args.role], "batch_id": args.batch, "city": args.city})


# --- commands ----------------------------------------------------------------------------------------


def cmd_create_admin(args) -> int:
    password = _read_new_password(args.password_stdin)
    with Storage(args.db) as storage:
        account = accounts.create_first_admin(storage, args.login, args.display_name, password, actor=args.actor)
    emit(args, {"login": account.login, "display_name": account.display_name},
         f"已创建系统管理员“{account.display_name}”（登录名 {account.login}）。启动应用后用此账号登录。")
    return 0


def cmd_add(args) -> int:
    grant = _grant(args)
    kind = CredentialKind.LINK if args.link else CredentialKind.PASSWORD
    with Storage(args.db) as storage:
        account = accounts.create_user(storage, principal(args), args.login, args.display_name, [grant],
                                       expert_id=args.expert_id, reason=args.reason)
        issued = accounts.issue_initial_credentials(storage, principal(args), [account.login], kind)[0]
    _print_credential(args, issued, kind, f"已新建账号“{account.display_name}”（{grant.describe()}）。")
    return 0


def cmd_grant(args) -> int:
    grant = _grant(args)
    with Storage(args.db) as storage:
        accounts.grant_role(storage, principal(args), args.login, grant, args.reason)
    emit(args, {"login": args.login, "granted": grant.describe()}, f"已为 {args.login} 授予角色：{grant.describe()}。")
    return 0


def cmd_revoke(args) -> int:
    grant = _grant(args)
    with Storage(args.db) as storage:
        accounts.revoke_role(storage, principal(args), args.login, grant, args.reason)
    emit(args, {"login": args.login, "revoked": grant.describe()}, f"已撤销 {args.login} 的角色：{grant.describe()}。")
    return 0


def cmd_list(args) -> int:
    with Storage(args.db) as storage:
        users = accounts.list_users(storage, principal(args))
    now = clock.now()
    payload = [{**u.model_dump(mode="json", exclude={"grants"}), "grants": [g.describe() for g in u.grants],
                "status": u.status(now)} for u in users]
    lines = [f"{u.login}  {u.display_name}  {'、'.join(g.describe() for g in u.grants) or '（无角色）'}  {u.status(now)}"
             for u in users]
    emit(args, payload, "\n".join(lines) or "（尚无账号）")
    return 0


def cmd_reset(args) -> int:
    kind = CredentialKind.LINK if args.link else CredentialKind.PASSWORD
    with Storage(args.db) as storage:
        issued = accounts.issue_initial_credentials(storage, principal(args), [args.login], kind)[0]
    _print_credential(args, issued, kind, f"已重置 {issued.login} 的登录凭据，原密码与登录状态已失效。")
    return 0


def cmd_unlock(args) -> int:
    with Storage(args.db) as storage:
        accounts.unlock(storage, principal(args), args.login, args.reason)
    emit(args, {"login": args.login, "unlocked": True}, f"已解除 {args.login} 的锁定。")
    return 0


def cmd_set_active(args) -> int:
    with Storage(args.db) as storage:
        accounts.set_active(storage, principal(args), args.login, args.active, args.reason)
    emit(args, {"login": args.login, "active": args.active}, f"已{'启用' if args.active else '停用'}账号 {args.login}。")
    return 0


def cmd_has_admin(args) -> int:
    with Storage(args.db) as storage:
        return 0 if accounts.admin_exists(storage) else NO_ADMIN_EXIT


def cmd_link_sso(args) -> int:
    with Storage(args.db) as storage:
        linked = single_sign_on.link_identity(storage, principal(args), args.login, args.issuer, subject=args.subject,
                                              email=args.email, reason=args.reason)
    emit(args, linked.model_dump(mode="json"), f"已为 {linked.login} 关联统一身份认证：{linked.describe()}。")
    return 0


def cmd_unlink_sso(args) -> int:
    with Storage(args.db) as storage:
        single_sign_on.unlink_identity(storage, principal(args), args.login, args.reason)
    emit(args, {"login": args.login, "linked": False}, f"已解除 {args.login} 的统一身份认证关联，其全部登录已结束。")
    return 0


def cmd_sso_list(args) -> int:
    with Storage(args.db) as storage:
        linked = single_sign_on.linked_identities(storage, principal(args))
        refused = single_sign_on.refused_identities(storage, principal(args))
    payload = {"linked": [i.model_dump(mode="json") for i in linked], "refused": [r._asdict() for r in refused]}
    lines = [f"{i.login}  {i.describe()}" for i in linked] or ["（尚无账号关联统一身份认证）"]
    if refused:
        lines += ["最近被拒绝的统一身份认证登录（尚未关联）："]
        lines += [f"  {r.at:%Y-%m-%d %H:%M}  {r.issuer}  {r.subject}  {r.email or ''}" for r in refused]
    emit(args, payload, "\n".join(lines))
    return 0


def cmd_policy(args) -> int:
    changes = {name: getattr(args, name) for name in AccountPolicy.model_fields if getattr(args, name) is not None}
    with Storage(args.db) as storage:
        policy = accounts.account_policy(storage)
        if changes:
            try:
                policy = AccountPolicy.model_validate({**policy.model_dump(), **changes})
            except ValidationError as exc:
                raise CliError("；".join(_allowed_range(e["loc"][0]) for e in exc.errors())) from exc
            accounts.set_account_policy(storage, principal(args), policy, args.reason)
    emit(args, policy.model_dump(), "\n".join(f"{AccountPolicy.model_fields[name].title}：{value}"
                                              for name, value in policy.model_dump().items()))
    return 0


# --- helpers -----------------------------------------------------------------------------------------


def _allowed_range(field_name: str) -> str:
    low, high = AccountPolicy.bounds(field_name)
    return f"{AccountPolicy.model_fields[field_name].title}须在{low}至{high}之间"


def _read_new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    try:
        first = getpass.getpass("新密码（至少10个字符，须含字母和数字）：")
        repeated = getpass.getpass("再次输入新密码：")
    except (EOFError, KeyboardInterrupt) as exc:
        raise CliError("没有输入密码，已取消。") from exc
    if repeated != first:
        raise CliError("两次输入的密码不一致。")
    return first


def _print_credential(args, issued: accounts.IssuedCredential, kind: CredentialKind, headline: str) -> None:
    payload = {"login": issued.login, "kind": str(kind), "secret": issued.secret}
    if kind is CredentialKind.LINK:
        payload["link"] = f"{args.app_url.rstrip('/')}/?token={issued.secret}"
        text = f"{headline}\n一次性登录链接（只能使用一次，请当面或通过安全渠道交给本人）：\n{payload['link']}"
    else:
        text = f"{headline}\n登录名：{issued.login}\n初始密码（只显示这一次，首次登录须修改）：{issued.secret}"
    emit(args, payload, text)
