import Foundation

/// What a power loss at each moment of a recorded run could leave on disk,
/// built from the directory as it was before the run (``FileTree``) and the
/// run's ``OperationRecorder`` log.
///
/// The model: a file's bytes (writes, truncations, reservations) are on
/// disk up to the last `fsync` or `fdatasync` of that file that *started*
/// after them and returned; a directory's entries (new files, links,
/// renames, unlinks, new directories) up to the last `fsync` of that
/// directory that started after them and returned; `sync` covers
/// everything before it. A rename within a directory is one change of that
/// directory (atomic: the old name or the new one); across directories,
/// a sync of either covers it. Every other change, unsynced, may be lost,
/// each on its own, in any combination; a lost write may also be torn,
/// only part of its 4 KiB pages on disk. A file whose entry is lost is
/// gone; a file whose entry survives but not its writes is short, or holds
/// zeros where a write came after a lost one. No fsync of a file makes its
/// name durable (ext4 does more, POSIX promises no more).
///
/// A crash point `p` is the moment after the first `p` records; the states
/// enumerated at each are described by ``Selection``.
public struct CrashStates {
    /// Which subsets of the unsynced changes are kept.
    public struct Selection: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// (a) every change so far on disk.
        public static let everything = Selection(rawValue: 1 << 0)
        /// (b) only what a sync covered.
        public static let onlySynced = Selection(rawValue: 1 << 1)
        /// (c) each unsynced change lost on its own.
        public static let eachLost = Selection(rawValue: 1 << 2)
        /// (d) the last unsynced write torn at each 4 KiB page boundary:
        /// its first pages kept, the rest lost.
        public static let tornPrefix = Selection(rawValue: 1 << 3)
        /// The last unsynced write's last pages kept, its first ones lost.
        public static let tornSuffix = Selection(rawValue: 1 << 4)
        /// Each unsynced change the only one kept.
        public static let eachKept = Selection(rawValue: 1 << 5)
        /// The unsynced changes kept in the order they were made, up to
        /// each one (the disk wrote back in order and stopped).
        public static let inOrder = Selection(rawValue: 1 << 6)
        /// Every subset of the unsynced changes, when there are at most
        /// ``allSubsetsLimit`` of them.
        public static let allSubsets = Selection(rawValue: 1 << 7)

        /// (a) to (d).
        public static let basic: Selection = [.everything, .onlySynced, .eachLost, .tornPrefix]
        public static let all: Selection = [.basic, .tornSuffix, .eachKept, .inOrder, .allSubsets]
    }

    /// At most this many unsynced changes get every subset enumerated
    /// (2^limit states per crash point).
    public static let allSubsetsLimit = 8

    /// A change, with files and directories as object numbers of the model.
    enum Change {
        case addEntry(directory: Int, name: String, object: Int)
        case removeEntry(directory: Int, name: String, object: Int)
        case move(fromDirectory: Int, fromName: String, toDirectory: Int, toName: String, object: Int)
        case write(object: Int, offset: Int, data: [UInt8])
        case truncate(object: Int, length: Int)
        case allocate(object: Int, offset: Int, length: Int)

        /// The file whose bytes it changes, or the directories whose entries.
        var dataOwner: Int? {
            switch self {
            case .write(let object, _, _), .truncate(let object, _), .allocate(let object, _, _): object
            default: nil
            }
        }

        var directories: [Int] {
            switch self {
            case .addEntry(let directory, _, _), .removeEntry(let directory, _, _): [directory]
            case .move(let from, _, let to, _, _): from == to ? [from] : [from, to]
            default: []
            }
        }
    }

    /// One change and where it is in the log.
    struct Step {
        let position: Int
        let change: Change
        /// The position of the end of the first successful sync that covers it.
        var syncedAt: Int?
    }

    let base: FileTree
    /// The objects created during the run (empty at first).
    let created: [Int: FileTree.Object]
    let steps: [Step]
    /// Records in the log.
    public let recordCount: Int
    /// Positions of the `QUIT` records, if any.
    public let quitSent: Int?
    public let quitAnswered: Int?
    /// Positions of the records after which the state may differ from the
    /// one before: every record but the start of a sync.
    public let crashPoints: [Int]

    /// Builds the model from the tree before the run (with its inodes, as
    /// ``FileTree/scan(_:)`` returns them) and the run's records.
    /// - Throws: for records that name an inode the model does not know.
    public init(before tree: FileTree, inodes: [UInt64: Int], operations: [FileOperation]) throws {
        base = tree
        recordCount = operations.count
        var objectOf = inodes
        var nextObject = (tree.objects.keys.max() ?? 0) + 1
        var created: [Int: FileTree.Object] = [:]
        var steps: [Step] = []
        var syncs: [String: (start: Int, call: String, object: Int?)] = [:]
        var quitSent: Int?, quitAnswered: Int?
        var points = [0]
        func object(_ inode: UInt64, _ what: String) throws -> Int {
            guard let number = objectOf[inode] else {
                throw MessageFailure("the log names \(what) inode \(inode), which the model does not know")
            }
            return number
        }
        func newObject(_ inode: UInt64, directory: Bool, mode: UInt16) -> Int {
            let number = nextObject
            nextObject += 1
            objectOf[inode] = number
            created[number] = FileTree.Object(isDirectory: directory, mode: mode)
            return number
        }
        for (position, operation) in operations.enumerated() {
            var change: Change?
            switch operation {
            case .create(let inode, let parent, let name, let mode):
                let directory = try object(parent, "the directory of \(name),")
                change = .addEntry(directory: directory, name: name,
                                   object: newObject(inode, directory: false, mode: mode))
            case .makeDirectory(let inode, let parent, let name, let mode):
                let directory = try object(parent, "the directory of \(name),")
                change = .addEntry(directory: directory, name: name,
                                   object: newObject(inode, directory: true, mode: mode))
            case .write(let inode, let offset, let data):
                change = .write(object: try object(inode, "a written"), offset: offset, data: data)
            case .truncate(let inode, let length):
                change = .truncate(object: try object(inode, "a truncated"), length: length)
            case .allocate(let inode, let offset, let length):
                change = .allocate(object: try object(inode, "an allocated"), offset: offset, length: length)
            case .link(let inode, let parent, let name):
                change = .addEntry(directory: try object(parent, "the directory of \(name),"), name: name,
                                   object: try object(inode, "a linked"))
            case .rename(let inode, let fromParent, let fromName, let toParent, let toName):
                change = .move(fromDirectory: try object(fromParent, "the directory of \(fromName),"),
                               fromName: fromName, toDirectory: try object(toParent, "the directory of \(toName),"),
                               toName: toName, object: try object(inode, "a renamed"))
            case .unlink(let inode, let parent, let name):
                change = .removeEntry(directory: try object(parent, "the directory of \(name),"), name: name,
                                      object: try object(inode, "an unlinked"))
            case .syncStarted(let id, let call, let inode):
                syncs[id] = (position, call, call == "sync" ? nil : try object(inode, "a synced"))
                continue
            case .syncEnded(let id, let error):
                guard let sync = syncs.removeValue(forKey: id) else {
                    throw MessageFailure("the log ends sync \(id), which it never started")
                }
                if error == 0 {
                    for index in steps.indices where steps[index].syncedAt == nil && steps[index].position < sync.start {
                        let change = steps[index].change
                        let covered = sync.object.map { change.dataOwner == $0 || change.directories.contains($0) } ?? true
                        if covered { steps[index].syncedAt = position }
                    }
                }
            case .quitSent:
                quitSent = quitSent ?? position
            case .quitAnswered:
                quitAnswered = quitAnswered ?? position
            }
            if let change {
                steps.append(Step(position: position, change: change))
            }
            points.append(position + 1)
        }
        self.steps = steps
        self.created = created
        self.quitSent = quitSent
        self.quitAnswered = quitAnswered
        crashPoints = points
    }

    /// Changes in the log.
    public var changeCount: Int { steps.count }

    /// The server's possible states at crash point `point`: before the run
    /// until `QUIT` is sent, after it once the reply came, either between.
    public func serverStates(at point: Int) -> (before: Bool, after: Bool) {
        guard let sent = quitSent, sent < point else { return (true, false) }
        if let answered = quitAnswered, answered < point { return (false, true) }
        return (true, true)
    }

    /// One state a crash at a point could leave.
    public struct State {
        /// Which subset it is, for a person reading a failure.
        public let description: String
        public let tree: FileTree
        /// Whether a kill of the process could leave it too, the kernel
        /// keeping what the disk lacks: every change so far, or all but
        /// the last record, a write the kill cut short at a page boundary.
        public let afterAKill: Bool
    }

    /// The states a crash at `point` could leave, as `selection` picks them
    /// (some may be equal; compare ``FileTree/fingerprint``).
    public func states(at point: Int, selection: Selection) -> [State] {
        let done = steps.indices.filter { steps[$0].position < point }
        let unsynced = done.filter { steps[$0].syncedAt.map { $0 >= point } ?? true }
        let synced = Set(done).subtracting(unsynced)
        var result: [State] = []
        let all = Set(done)
        func add(_ description: String, keeping kept: Set<Int>, replacing replacement: (index: Int, change: Change)? = nil,
                 afterAKill: Bool = false) {
            result.append(State(description: "after record \(point) of \(recordCount): \(description)",
                                tree: apply(kept: kept, replacement: replacement), afterAKill: afterAKill))
        }
        if selection.contains(.everything) {
            add("everything written", keeping: all, afterAKill: true)
        }
        if unsynced.isEmpty { return result }
        if selection.contains(.onlySynced) {
            add("only what was synced", keeping: synced)
        }
        if selection.contains(.eachLost) {
            for index in unsynced {
                add("all but \(describe(index))", keeping: all.subtracting([index]))
            }
        }
        if let last = unsynced.last(where: { if case .write = steps[$0].change { true } else { false } }),
           case .write(let object, let offset, let data) = steps[last].change {
            var boundary = (offset / 4096 + 1) * 4096
            while boundary < offset + data.count {
                let cut = boundary - offset
                if selection.contains(.tornPrefix) {
                    // A kill in the middle of the last record leaves this too.
                    add("\(describe(last)) torn: only its bytes before offset \(boundary)", keeping: all,
                        replacing: (last, .write(object: object, offset: offset, data: Array(data[..<cut]))),
                        afterAKill: steps[last].position == point - 1)
                }
                if selection.contains(.tornSuffix) {
                    add("\(describe(last)) torn: only its bytes from offset \(boundary)", keeping: all,
                        replacing: (last, .write(object: object, offset: boundary, data: Array(data[cut...]))))
                }
                boundary += 4096
            }
        }
        if selection.contains(.allSubsets) && unsynced.count <= Self.allSubsetsLimit {
            for mask in 0..<(1 << unsynced.count) {
                let kept = unsynced.indices.filter { mask & (1 << $0) != 0 }.map { unsynced[$0] }
                add("unsynced subset \(mask) of \(unsynced.count)", keeping: synced.union(kept))
            }
        } else {
            if selection.contains(.eachKept) {
                for index in unsynced {
                    add("only \(describe(index)) of the unsynced", keeping: synced.union([index]))
                }
            }
            if selection.contains(.inOrder) {
                for count in 1..<unsynced.count {
                    add("the first \(count) unsynced changes", keeping: synced.union(unsynced.prefix(count)))
                }
            }
        }
        return result
    }

    /// The change at `index`, for a person.
    func describe(_ index: Int) -> String {
        let step = steps[index]
        let what: String
        switch step.change {
        case .addEntry(_, let name, _): what = "the new name \(name)"
        case .removeEntry(_, let name, _): what = "the unlink of \(name)"
        case .move(_, let from, _, let to, _): what = "the rename \(from) -> \(to)"
        case .write(let object, let offset, let data): what = "the write of \(data.count) bytes at \(offset) to file #\(object)"
        case .truncate(let object, let length): what = "the truncation of file #\(object) to \(length)"
        case .allocate(let object, let offset, let length): what = "the reservation of \(offset)+\(length) in file #\(object)"
        }
        return "\(what) (record \(step.position))"
    }

    /// The tree before the run with the changes at `kept` applied in order.
    func apply(kept: Set<Int>, replacement: (index: Int, change: Change)?) -> FileTree {
        var tree = base
        for (number, object) in created {
            tree.objects[number] = object
        }
        for index in kept.sorted() {
            let change = replacement?.index == index ? replacement!.change : steps[index].change
            switch change {
            case .addEntry(let directory, let name, let object):
                tree.objects[directory]?.entries[name] = object
            case .removeEntry(let directory, let name, let object):
                if tree.objects[directory]?.entries[name] == object {
                    tree.objects[directory]?.entries[name] = nil
                }
            case .move(let from, let fromName, let to, let toName, let object):
                if tree.objects[from]?.entries[fromName] == object {
                    tree.objects[from]?.entries[fromName] = nil
                }
                tree.objects[to]?.entries[toName] = object
            case .write(let object, let offset, let data):
                tree.objects[object]?.write(data, at: offset)
            case .truncate(let object, let length):
                tree.objects[object]?.resize(to: length)
            case .allocate(let object, let offset, let length):
                if let size = tree.objects[object]?.content.count, size < offset + length {
                    tree.objects[object]?.resize(to: offset + length)
                }
            }
        }
        return tree
    }
}
