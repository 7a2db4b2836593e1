"""Save protected.xls and protected.ods: clients.xlsx under the password "secret", by LibreOffice.

Run from this folder with the Python that has LibreOffice's ``uno`` module
(Debian: ``apt-get install python3-uno``, then ``/usr/bin/python3
protect_workbooks.py``). It starts a headless LibreOffice of its own and stops it.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import uno
from com.sun.star.beans import PropertyValue

HERE = Path(__file__).parent.resolve()
PORT = 2002


def prop(name: str, value: object) -> Any:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def main() -> None:
    office = subprocess.Popen(
        ["soffice", "--headless", "--norestore", f"--accept=socket,host=127.0.0.1,port={PORT};urp;"]
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        for _ in range(60):
            try:
                context = resolver.resolve(
                    f"uno:socket,host=127.0.0.1,port={PORT};urp;StarOffice.ComponentContext"
                )
                break
            except Exception:  # LibreOffice is still starting
                time.sleep(0.5)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        doc = desktop.loadComponentFromURL(
            (HERE / "clients.xlsx").as_uri(), "_blank", 0, (prop("Hidden", True),)
        )
        for ext, name in (("xls", "MS Excel 97"), ("ods", "calc8")):
            target = HERE / f"protected.{ext}"
            doc.storeToURL(target.as_uri(), (prop("FilterName", name), prop("Password", "secret")))
        doc.close(True)
    finally:
        office.terminate()
        office.wait(30)


if __name__ == "__main__":
    main()
