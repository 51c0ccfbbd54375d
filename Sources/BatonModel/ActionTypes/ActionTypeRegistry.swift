/// The action types a pipeline may use: the built-in ones and the custom ones created with
/// CreateCustomActionType.
package struct ActionTypeRegistry: Sendable, Hashable {
    private var types: [ActionTypeID: ActionType]

    package init(custom: [ActionType] = []) {
        types = Dictionary(BuiltInActionTypes.all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for type in custom { types[type.id] = type }
    }

    package static let builtIn = ActionTypeRegistry()

    package subscript(id: ActionTypeID) -> ActionType? {
        types[id]
    }

    package var all: [ActionType] {
        types.values.sorted { $0.id.description < $1.id.description }
    }

    package mutating func add(_ type: ActionType) {
        types[type.id] = type
    }

    package mutating func remove(_ id: ActionTypeID) {
        types[id] = nil
    }
}
