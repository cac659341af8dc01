"""newsmon: media monitoring for Dutch-language news."""

from newsmon.compiled import install as _install_compiled

_install_compiled()  # the analysis modules: compiled where built from their current source, else the source
