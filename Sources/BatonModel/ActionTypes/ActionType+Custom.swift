extension ActionType {
    /// Checks a CreateCustomActionType definition: owner Custom, artifact counts 0–5, at most 10
    /// configuration properties, at most one queryable one (required, not secret), settings
    /// templates of 1–2048 characters.
    package func validateAsCustom() throws(PipelineValidationError) {
        var issues: [PipelineValidationError.Issue] = []
        func fail(_ path: String, _ message: String) {
            issues.append(.init(exception: .validation, path: DeclarationPath([path]), message: message))
        }
        if id.owner != "Custom" { fail("owner", "Custom action types always have owner Custom, not \(id.owner)") }
        if !PipelineValidator.categories.contains(id.category) {
            fail("category", "Value '\(id.category)' at 'category' failed to satisfy constraint: Member must satisfy enum value set: [\(PipelineValidator.categories.joined(separator: ", "))]")
        }
        if !PipelineValidator.isProviderCharacterString(id.provider) {
            fail("provider", "Value '\(id.provider)' at 'provider' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9A-Za-z_-]+ and have length between 1 and 35")
        }
        if id.version.isEmpty || id.version.count > 9 || !id.version.unicodeScalars.allSatisfy(PipelineValidator.isProviderCharacter) {
            fail("version", "Value '\(id.version)' at 'version' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9A-Za-z_-]+ and have length between 1 and 9")
        }
        for (name, details) in [("inputArtifactDetails", inputArtifactDetails), ("outputArtifactDetails", outputArtifactDetails)] {
            if !(0...5).contains(details.minimumCount) || !(0...5).contains(details.maximumCount) || details.minimumCount > details.maximumCount {
                fail(name, "\(name) must have 0 ≤ minimumCount ≤ maximumCount ≤ 5, not \(details.minimumCount)…\(details.maximumCount)")
            }
        }
        if actionConfigurationProperties.count > 10 {
            fail("configurationProperties", "A custom action type may have at most 10 configuration properties, not \(actionConfigurationProperties.count)")
        }
        var names: Set<String> = []
        for property in actionConfigurationProperties {
            if property.name.isEmpty || property.name.count > 50 { fail("configurationProperties", "Configuration property name '\(property.name)' must have length between 1 and 50") }
            if !names.insert(property.name).inserted { fail("configurationProperties", "Configuration property \(property.name) is declared more than once") }
            if let description = property.description, description.isEmpty || description.count > 160 {
                fail("configurationProperties", "The description of configuration property \(property.name) must have length between 1 and 160")
            }
            if let type = property.type, !["String", "Number", "Boolean"].contains(type) {
                fail("configurationProperties", "Configuration property \(property.name) has type \(type); the type must be String, Number or Boolean")
            }
        }
        let queryable = actionConfigurationProperties.filter { $0.queryable == true }
        if queryable.count > 1 {
            fail("configurationProperties", "At most one configuration property may be queryable; \(queryable.map(\.name).joined(separator: ", ")) are")
        }
        for property in queryable where !property.required || property.secret {
            fail("configurationProperties", "Queryable configuration property \(property.name) must be required and not secret")
        }
        for (name, template) in [
            ("thirdPartyConfigurationUrl", settings?.thirdPartyConfigurationUrl), ("entityUrlTemplate", settings?.entityUrlTemplate),
            ("executionUrlTemplate", settings?.executionUrlTemplate), ("revisionUrlTemplate", settings?.revisionUrlTemplate),
        ] {
            if let template, template.isEmpty || template.count > 2048 { fail("settings.\(name)", "settings.\(name) must have length between 1 and 2048") }
        }
        if !issues.isEmpty { throw PipelineValidationError(issues: issues) }
    }
}
