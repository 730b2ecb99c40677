"""An import-linter contract: no import circle between the modules of the given packages (`make lint`).

import-linter's own `acyclic_siblings` looks at packages; this one looks at modules, so that `a` importing
`b` which imports `a` again, at any distance and across subpackages, breaks the contract.
"""

from __future__ import annotations

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of a graph (module -> the modules it imports): its strongly connected components
    of two modules or more, each sorted, found by Tarjan's algorithm without recursion."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(imports):
        if root in index:
            continue
        work = [(root, iter(sorted(imports.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, targets = work[-1]
            target = next(targets, None)
            if target is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == module:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif target not in index:
                index[target] = low[target] = len(index)
                stack.append(target)
                on_stack.add(target)
                work.append((target, iter(sorted(imports.get(target, ())))))
            elif target in on_stack:
                low[module] = min(low[module], index[target])
    return sorted(found)


class NoModuleCyclesContract(Contract):
    """No import circle between any modules of `packages` (their subpackages included)."""

    type_name = "no_module_cycles"

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        packages = tuple(self.packages)  # type: ignore[arg-type]

        def ours(module: str) -> bool:
            return any(module == p or module.startswith(p + ".") for p in packages)

        imports = {
            module: {m for m in graph.find_modules_directly_imported_by(module) if ours(m)}
            for module in graph.modules
            if ours(module)
        }
        found = cycles(imports)
        return ContractCheck(kept=not found, metadata={"cycles": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for circle in check.metadata["cycles"]:
            output.print_error(f"Import circle: {' <-> '.join(circle)}")
            output.new_line()
