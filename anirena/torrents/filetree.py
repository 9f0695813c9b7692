"""Turn a flat file list into a folder tree for the detail panel."""

from dataclasses import dataclass, field


@dataclass
class Node:
    name: str
    size: int = 0
    children: dict = field(default_factory=dict)
    is_file: bool = False

    @property
    def sorted_children(self) -> list["Node"]:
        # Folders first, then files, each alphabetically, as file managers show them.
        return sorted(self.children.values(), key=lambda node: (node.is_file, node.name.casefold()))


def build_file_tree(files: list[list]) -> Node:
    """Build a tree from ``[[path, size], ...]``; each folder's size is the sum of what it contains."""
    root = Node(name="")
    for path, size in files:
        parts = [part for part in path.split("/") if part] or [path]
        node = root
        node.size += size
        for part in parts[:-1]:
            node = node.children.setdefault(part, Node(name=part))
            node.size += size
        node.children[parts[-1]] = Node(name=parts[-1], size=size, is_file=True)
    return root
