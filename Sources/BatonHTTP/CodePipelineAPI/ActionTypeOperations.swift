import BatonAPI
import BatonEngine
import BatonModel

extension CodePipelineAPI {
    func createCustomActionType(_ input: CreateCustomActionTypeInput) async throws -> CreateCustomActionTypeOutput {
        CreateCustomActionTypeOutput(actionType: try await engine.createCustomActionType(input.actionType), tags: input.tags)
    }

    func deleteCustomActionType(_ input: DeleteCustomActionTypeInput) async throws -> EmptyOutput {
        try await engine.deleteCustomActionType(ActionTypeID(category: input.category, owner: "Custom", provider: input.provider, version: input.version))
        return EmptyOutput()
    }

    func listActionTypes(_ input: ListActionTypesInput) async throws -> ListActionTypesOutput {
        let all = await engine.actionTypes.all
        let filtered = input.actionOwnerFilter.map { owner in all.filter { $0.id.owner == owner } } ?? all
        return ListActionTypesOutput(actionTypes: filtered, nextToken: nil)
    }
}
