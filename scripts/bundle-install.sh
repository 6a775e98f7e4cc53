#!/usr/bin/env bash
# install.sh of the offline bundle (made by `make bundle` from scripts/bundle-install.sh):
# installs gefeng on this machine with no network at all.
#   ./install.sh            .venv with every locked package from wheels/, fonts from fonts/
# Needs: Python 3.11 (PYTHON=/path/to/python3.11 to choose one). Optional: PostgreSQL;
# Debian's fonts-noto-cjk instead of the bundled fonts.
set -euo pipefail
cd "$(dirname "$0")"
[ -f wheels/SHA256SUMS ] || { echo "这不是完整的离线安装包：缺少 wheels/SHA256SUMS。" >&2; exit 1; }
echo "==> 校验安装包"
(cd wheels && sha256sum --quiet -c SHA256SUMS) || { echo "安装包已损坏（校验值不符），请重新复制。" >&2; exit 1; }
scripts/bootstrap --offline wheels --runtime
scripts/install-fonts --from fonts || echo "!!! 中文字体未安装：平台可以使用，荣誉证书 PDF 要等安装字体后才能生成。" >&2
cat <<TEXT

歌风平台已安装（$(cat BUNDLE_VERSION 2>/dev/null || echo 版本未知)）。下一步：
  试用（内置数据库、演示县）：  scripts/start
  生产部署：见 README「生产部署」与 docs/operations.md，先运行 .venv/bin/gefeng check --deploy
TEXT
