/**
 * GENERATED FILE: DO NOT EDIT.
 * Source: specs/hub.yaml. Regenerate with `pnpm generate`; `pnpm test` fails when this file drifts from the spec.
 */

export interface paths {
    "/app/catalog": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List application templates
         * @description All templates of the catalog that have not been deleted (orcs `listAppCatalog`).
         */
        get: operations["listAppTemplates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/app/catalog/{appTemplateId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application template id. */
                appTemplateId: components["parameters"]["AppTemplateId"];
            };
            cookie?: never;
        };
        /**
         * Get one application template
         * @description One template. A deleted template answers 404 unless the request carries `NAZGUL-INCLUDE-DELETED: true`
         *     (instances and saved images keep referring to deleted templates, so their views need it).
         */
        get: operations["getAppTemplate"];
        put?: never;
        post?: never;
        /**
         * Delete an application template
         * @description Soft delete: the template disappears from the catalog and from `GET /app/catalog/{appTemplateId}` (unless
         *     `NAZGUL-INCLUDE-DELETED: true`), but instances and saved images based on it keep working, and its name and
         *     version stay taken. Running instances are not affected.
         */
        delete: operations["deleteAppTemplate"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/commands/createApplicationTemplate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an application template
         * @description Adds a template to the catalog. `id` must be absent or null (the Hub assigns it). Validation (400): `name`,
         *     `version`, `appServiceTemplates` (at least one) and `createdByUserId` present; app service names unique;
         *     `entryPointServiceName`, when given, names one of the app services; dependency names unique per service.
         *     409 when a non-deleted or deleted template with the same `name` and `version` exists (orcs made `name` alone
         *     unique; we allow several versions of one name).
         *
         *     Answers 201 with the stored template and `Location` of the new resource (orcs: `Location: ./<id>`).
         */
        post: operations["createApplicationTemplate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/app/instance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List application instances (configuration)
         * @description The Hub's record of every application instance on every connected Site: what it was deployed from, where and
         *     by whom. Read from the Hub store, so it never waits on a Site.
         *
         *     Extension (not in orcs): each item carries `siteReachable`, the Hub's latest knowledge of whether the
         *     instance's Site answers (from its periodic site probe); it is computed without contacting the Site.
         */
        get: operations["listAppInstances"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/app/instance/{appInstanceId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application instance id. */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        /**
         * Get one application instance (configuration)
         * @description The Hub's record of one instance (orcs `getAppInstance`).
         */
        get: operations["getAppInstance"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/app/instance/{appInstanceId}/downstream": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application instance id. */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        /**
         * Lineage tree of an instance
         * @description The instance and, recursively, every instance repurposed from it (children are the instances whose
         *     `baseAppInstanceId` is this one). Instances deployed from saved images are not part of the tree (their link is
         *     `baseSavedImageId`).
         */
        get: operations["getAppInstanceDownstream"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/app/instance-state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List application instances with their state
         * @description Every instance joined with its Hub-level state (`deploying`, `running`, `error`, `unknown`, `stopping`,
         *     `stopped`) and web entry point.
         *
         *     Extension (not in orcs): aggregation across Sites, answered from what the Hub knows, at once: a request
         *     never waits on a Site. A background refresher asks every Site (`GET {siteUrl}/site/app-instance`, one call
         *     per Site, several Sites in parallel with a bounded concurrency, each bounded by the per-site timeout,
         *     HUB_SITE_TIMEOUT_MS, default 2000 ms) every HUB_REFRESH_INTERVAL_MS (default 5000 ms) and records what they
         *     answer. Each item carries `asOf`, when its Site last answered, and `siteReachable`; a Site that does not
         *     answer in time, or answers with an error, leaves its instances at their last known state with
         *     `siteReachable: false`. A read writes nothing.
         */
        get: operations["listAppInstanceStates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/app/instance-state/{appInstanceId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application instance id. */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        /**
         * Get one application instance with its state
         * @description One instance with its Hub-level state. Extension (not in orcs): answered from what the Hub knows, at once
         *     (see `listAppInstanceStates`), with `asOf` and `siteReachable`; an unreachable Site's instance keeps its last
         *     known state (never a 5xx, never a wait on the Site).
         */
        get: operations["getAppInstanceState"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/commands/create-app-deployment-plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Propose a deployment plan for a template on a Site
         * @description Builds a ready-to-use `deploymentPlan` for `deploy-application` / `deploy-saved-image` from what a Site
         *     offers (orcs `createAppDeploymentPlan`). `appPolicies` are accepted and ignored, as in orcs.
         *
         *     The Site is `siteId` (extension); when it is absent the Hub picks a reachable Site (orcs picked a random one),
         *     so clients that will deploy to a given Site must pass it: a plan only makes sense on the Site it was made for.
         *
         *     Site calls: `GET {siteUrl}/site/psb-detailed`, `GET {siteUrl}/dsb/catalog`, `GET {siteUrl}/site/artifact-registry`.
         *     - App services: every template app service, `enabled: true`, `space` = the space named `Orcs`
         *       (case-insensitive) of a PSB of the service's `psbType`, else that PSB's first space; `artifactRegistryName`
         *       = the Site's first artifact registry; `imageVersion` = the template's.
         *     - Data services: one entry per dependency name. The DSB catalog is flattened to (DSB, plan, protocol)
         *       triples, DSBs in URN order and plans in the order each DSB declares them, so the answer is deterministic
         *       (orcs: catalog order); for the dependency's protocols in order, the first triple whose protocol name
         *       matches (case-insensitive) wins: `dsbUrn`, `planId`, `protocol`, `enabled: true`, `dsbSettings` = the
         *       plan's. Extension: a dependency protocol `version` is a minimum when it and the plan's `protocolVersion`
         *       are both dotted numbers (`9.6` accepts `16`, `17` rejects `16`); otherwise versions are not evaluated, and
         *       conditions never are (as in orcs). A dependency that no DSB of the Site serves gets `enabled: false` with
         *       null `dsbUrn`/`planId`/`protocol`; deploying it as is answers 400.
         *     - `psbUrn` (extension, informational) names the PSB the Site will use: its first PSB of the service's type.
         *
         *     Errors: 400 missing/unknown `appTemplateId`, unknown `siteId`; 503 when the Site (or, without `siteId`, every
         *     Site) is unreachable; 502 when the Site answers with an error.
         */
        post: operations["createAppDeploymentPlan"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/commands/deploy-application": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deploy an application from a template
         * @description Deploys a new instance of a template on a Site (orcs flow 3b). Answers 200 with the new app instance id as a
         *     JSON string (orcs returns the UUID with 200, no `Location`).
         *
         *     Validation before anything is recorded or sent:
         *     - 400: missing `appInstanceName`, `appTemplateId`, `siteId`, `creatorUserId` or `deploymentPlan`; unknown
         *       `siteId`; unknown `appTemplateId` (deleted templates are allowed); the plan does not match the template
         *       (an app service of the template has no `appServices` entry; an enabled app service depends on a data service
         *       with no `dataServices` entry, a disabled one, or one whose `protocol` is none of the dependency's
         *       `protocolName`s — orcs answered 500 for these). Site-side checks (unknown space, PSB type, artifact
         *       registry, DSB URN or plan) come back from the Site as 400 too; the instance is then withdrawn, so its name
         *       stays free.
         *     - 409: an instance with this name exists on any Site (names are unique across the Hub).
         *
         *     Then the Hub records the instance (`deploymentType` = `purpose`, state `deploying`) and a `deploy` operation,
         *     and sends `POST {siteUrl}/site/commands/deploy-application`. If the Site cannot be reached the answer is 503
         *     (Site answered 5xx: 502), the instance state becomes `error` and the operation `failed`. The rest is
         *     asynchronous: the operation polls `GET {siteUrl}/site/app-instance/{id}` until `running` (state `running`,
         *     `webEntryPointURL` set), a failure state (`error`) or the 30-minute cap (`unknown`; also `unknown` when the
         *     Site stays unreachable longer than a configurable threshold, default 5 minutes). If the Hub restarts, the
         *     operation resumes (re-sending the command if it was not acknowledged; a Site 409 for the same id counts as
         *     accepted).
         *
         *     `appPolicies` are forwarded to the Site (only `policyType: protection` has an effect). Test-dev deployments
         *     (`purpose: test-dev`) conventionally send no policies.
         */
        post: operations["deployApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/commands/repurpose-application": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deploy a new instance from a copy of an existing one
         * @description Deploys a new instance on the **origin instance's Site**, restoring every data service from the app copy
         *     `copyId` of `originAppInstanceId` (orcs flow 3f). The new instance's `baseAppInstanceId` is the origin, so it
         *     appears in the origin's downstream tree. `purpose` defaults to `other`.
         *
         *     The plan is derived, not sent: app services all enabled with the template's image version, the Site's first
         *     artifact registry and its `Orcs` space (else any); data services from `GET {siteUrl}/site/copy/{copyId}` —
         *     `dsbUrn` of the copy, the first plan of that DSB, the plan's first protocol. Restore information comes from the
         *     same copy record (orcs-site-hub.md §3d).
         *
         *     Errors: 400 missing `appInstanceName`, `originAppInstanceId` or `copyId`; 404 unknown origin instance, or the
         *     copy is not one of the origin's copies on its Site; 409 duplicate instance name, or the copy is not `created`;
         *     502/503 as for `deploy-application`. Answers 201 with the new instance id (JSON string) and `Location`.
         */
        post: operations["repurposeApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/commands/create-app-copy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Take an application copy now
         * @description Asks the instance's Site for an immediate application copy (`POST {siteUrl}/site/commands/create-app-copy`)
         *     and answers with the **app copy id** the Site returned, as a JSON string (orcs: 200 + UUID). The copy itself is
         *     taken asynchronously by the Site (DSB → CRB); the Hub records a `copy` operation that follows it through
         *     `GET {siteUrl}/site/copy/{copyId}` until `created` or `failed`.
         *
         *     Errors: 400 missing `appInstanceId`; 404 unknown instance; 409 the instance is not `running` (extension: orcs
         *     forwarded regardless); 503 Site unreachable; 502 Site error.
         */
        post: operations["createAppCopy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/commands/stop-app": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop an application instance
         * @description Sends `POST {siteUrl}/site/commands/stop-app` and answers 204 once the Site accepted it. The Hub marks the
         *     instance `stopping` (extension: orcs left the previous state until the poller saw `stopped`) and a `stop`
         *     operation polls the Site until `stopped` (state `stopped`), an error state (`error`) or the 30-minute cap
         *     (`unknown`). Stopping an already `stopped` instance answers 204 and does nothing.
         *
         *     Errors: 400 missing `appInstanceId` or `userId`; 404 unknown instance; 503 Site unreachable; 502 Site error.
         */
        post: operations["stopApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List connected Sites
         * @description Every Site added with `add-site`. Read from the Hub store; never waits on a Site. Extension (not in orcs):
         *     `status` and `lastSeen` come from the Hub's background refresher, which asks each Site for its instances
         *     (`GET {siteUrl}/site/app-instance`) every HUB_REFRESH_INTERVAL_MS, and from every other call the Hub makes.
         */
        get: operations["listSites"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/{siteId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Site id (assigned by the Hub in `add-site`). */
                siteId: components["parameters"]["SiteId"];
            };
            cookie?: never;
        };
        /**
         * Get one connected Site
         * @description One Site as stored by the Hub, with its probe status (extension).
         */
        get: operations["getSite"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/commands/add-site": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Connect a Site to the Hub
         * @description Connects the Site whose API is at `url` (its base, e.g. `http://host:port/site-api`; the Hub appends
         *     `/site/info`, `/site/commands/...`, `/dsb/catalog`). The Hub reads `GET {url}/site/info` and stores `{id (new),
         *     urn, url, name, version, location, publicDns}`; `publicDns` falls back to `url` when the Site reports no
         *     `publicDNS`. A Site without `location` is accepted (`location: null`; orcs failed with a NullPointerException).
         *
         *     Errors: 400 missing `urn`/`url` or `url` not an http(s) URL; 409 a Site with this `urn`, or at this `url`, is
         *     already connected; 503 nothing answers at `url`; 502 the Site answered with an error or an unreadable
         *     `site/info`.
         *     Answers 201 with the new site id as a JSON string and `Location` (orcs: `Location: <siteId>`).
         */
        post: operations["addSite"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/test-dev/saved-images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List saved images
         * @description All saved images, optionally only those of one template (orcs `listSavedImages`).
         */
        get: operations["listSavedImages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/test-dev/saved-images/{savedImageId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Saved image id. */
                savedImageId: components["parameters"]["SavedImageId"];
            };
            cookie?: never;
        };
        /**
         * Get one saved image
         * @description One saved image.
         */
        get: operations["getSavedImage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/commands/create-saved-image": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Save an image of a running instance
         * @description Takes an application copy of the instance on its Site (`POST {siteUrl}/site/commands/create-app-copy`) and
         *     records a saved image `{name, tags, comment, appTemplateId and siteId of the instance, appCopyId, baseImageId =
         *     the instance's baseSavedImageId, state creating}`. A `saved-image` operation follows the copy
         *     (`GET {siteUrl}/site/copy/{appCopyId}`): `created` → image `created`; `failed`, or still creating after 30
         *     minutes → image `failed` (with `stateMessage`). Answers 200 with the saved image id as a JSON string (orcs:
         *     200 + UUID, no `Location`).
         *
         *     Errors: 400 missing `name`, `appInstanceId` or `userId`; 404 unknown instance (orcs answered 409); 409 a saved
         *     image with this name exists; 503 Site unreachable; 502 Site error. `tags` may be omitted (= `[]`).
         */
        post: operations["createSavedImage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/commands/deploy-saved-image": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deploy a new instance from a saved image
         * @description Deploys the saved image's template (deleted templates allowed) on `siteId` with `deploymentPlan`, restoring
         *     each enabled data service from the image's app copy (orcs flow 3f/3d). The new instance has
         *     `baseSavedImageId` = the image and `deploymentType` `test-dev` (`purpose` is accepted and ignored, as in orcs);
         *     no policies are applied. Answers 201 with the new app instance id as a JSON string and `Location`.
         *
         *     Same Site (`siteId` = the image's `siteId`): restore information is read from
         *     `GET {siteUrl}/site/copy/{appCopyId}` (data-service copy ids, CRB URN, protocol, facility) and sent with the
         *     deploy command; the DSBs pull the data from the CRB.
         *
         *     Different Site — Extension (not in orcs; orcs "staged" the bytes through both Sites and was broken): before the
         *     target Site restores, the Hub orders, per data-service copy, a CRB-to-CRB transfer on the **source** Site's
         *     CRB: `POST {sourceCrbUrl}/copies/{dsCopyId}/transfer` (an extension of the CRB contract, see specs/crb.yaml)
         *     naming a CRB registered on the target Site (`GET {targetSiteUrl}/site/copy-repo`). The source CRB streams the
         *     copy and its metadata straight to the target CRB; **bytes never pass through the Hub or the Sites**. The Hub
         *     follows each transfer as a `transfer` operation (child of this `deploy` operation), then deploys on the target
         *     with restore information naming the target CRB's URN and the copy id there. The instance stays `deploying`
         *     during the transfer; a failed transfer puts it in `error`.
         *
         *     Errors: 400 missing `appInstanceName`, `savedImageId`, `userId`, `siteId` or `deploymentPlan`, unknown
         *     `siteId`, plan not matching the template (as in `deploy-application`), or the target Site has no CRB for a
         *     cross-site restore; 404 unknown saved image; 409 duplicate instance name, or the image is not `created`; 503 a
         *     Site involved is unreachable; 502 a Site or CRB answered with an error.
         */
        post: operations["deploySavedImage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/operations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Hub operations
         * @description Extension (not in orcs): the Hub's long-running operations, newest first. Operations are persisted; after a
         *     restart every operation that is not `succeeded` or `failed` is resumed. Finished operations are kept for a
         *     retention period (configurable) and then purged.
         */
        get: operations["listOperations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/operations/{operationId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Operation id (as given in the `X-Operation-Id` header of the command that started it). */
                operationId: string;
            };
            cookie?: never;
        };
        /**
         * Get one Hub operation
         * @description Extension (not in orcs): one operation with its steps and progress.
         */
        get: operations["getOperation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Every non-2xx answer. `code` repeats the HTTP status (an integer, as the orcs DSB/CRB error schema has it); `reason` is a stable machine-readable kind (extension). */
        Error: {
            /**
             * Format: int32
             * @example 404
             */
            code: number;
            /** @example service instance 'db1' not found */
            message: string;
            /**
             * @description Extension. bad_request | not_found | conflict | unavailable | payload_too_large | internal | ...
             * @example not_found
             */
            reason?: string;
            /** @description Extension. Correlates with the service logs. */
            requestId?: string;
        };
        /**
         * Format: uuid
         * @description A UUID returned as a JSON string body (`"3f2a..."`), as orcs commands returning `UUID` do.
         * @example 3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c
         */
        IdString: string;
        /**
         * @description An application template (orcs `ApplicationTemplateDTO`) as stored in the catalog.
         * @example {
         *       "id": "6f1c2d3e-0b7a-4c55-9d1e-2a3b4c5d6e7f",
         *       "name": "hackathon",
         *       "version": "1.0",
         *       "description": "Hackathon Registration App",
         *       "appServiceTemplates": [
         *         {
         *           "appServiceName": "hackathon-svc",
         *           "psbType": "ShpanPaaS",
         *           "imageName": "hackathon",
         *           "imageType": "java",
         *           "imageVersion": "1.0",
         *           "psbSettings": {},
         *           "environmentVariables": {
         *             "HACKATHON_DB_URL": "jdbc:postgresql://${hackathon-db.server}:${hackathon-db.port}/hackathon"
         *           },
         *           "dependencies": [
         *             {
         *               "type": "database",
         *               "name": "hackathon-db",
         *               "description": "Hackathon ideas DB, protocols: [{protocolName: postgres, version: '9.0', conditions: null, settings: null}]"
         *             },
         *             {
         *               "type": "objectStore",
         *               "name": "hack-docs",
         *               "description": "Hackathon document store, protocols: [{protocolName: s3, version: null, conditions: null, settings: null}]"
         *             }
         *           ],
         *           "exposedPorts": [
         *             8080
         *           ],
         *           "httpPort": 8080,
         *           "entryPointURL": "hackathon-api/html/nui/index.html"
         *         }
         *       ],
         *       "entryPointServiceName": "hackathon-svc",
         *       "createdByUserId": "11111111-2222-4333-8444-555555555555"
         *     }
         */
        ApplicationTemplate: {
            /**
             * Format: uuid
             * @description Template id (assigned by the Hub).
             */
            id: string;
            /** @description Template name. */
            name: string;
            /** @description Template version; `name` + `version` is unique in the catalog. */
            version: string;
            /** @description Free text. */
            description: string | null;
            /** @description The app services the application is made of. */
            appServiceTemplates: components["schemas"]["ApplicationServiceTemplate"][];
            /** @description Name of the app service whose public URL is the application's web entry point; null when the application has none. */
            entryPointServiceName: string | null;
            /**
             * Format: uuid
             * @description User who created the template.
             */
            createdByUserId: string | null;
        };
        /**
         * @description Body of `createApplicationTemplate` (orcs `ApplicationTemplateDTO` with `id` absent or null).
         * @example {
         *       "name": "lets-chat",
         *       "version": "0.4.8",
         *       "description": "Let's Chat with a MongoDB",
         *       "appServiceTemplates": [
         *         {
         *           "appServiceName": "lets-chat",
         *           "psbType": "k8s",
         *           "imageName": "sdelements/lets-chat",
         *           "imageType": "docker",
         *           "imageVersion": "latest",
         *           "environmentVariables": {
         *             "LCB_DATABASE_URI": "mongodb://${chat-db.server}/letschat"
         *           },
         *           "dependencies": [
         *             {
         *               "type": "database",
         *               "name": "chat-db",
         *               "description": "Chat messages, protocols: [{protocolName: mongodb, version: null, conditions: null}]"
         *             }
         *           ],
         *           "exposedPorts": [
         *             8080
         *           ],
         *           "httpPort": 8080,
         *           "entryPointURL": ""
         *         }
         *       ],
         *       "entryPointServiceName": "lets-chat",
         *       "createdByUserId": "11111111-2222-4333-8444-555555555555"
         *     }
         */
        CreateApplicationTemplateRequest: {
            /**
             * Format: uuid
             * @description Must be absent or null (400 otherwise); the Hub assigns the id.
             */
            id?: string | null;
            /** @description Template name. */
            name: string;
            /** @description Template version. */
            version: string;
            /** @description Free text. */
            description?: string | null;
            /** @description The app services; names must be unique. */
            appServiceTemplates: components["schemas"]["ApplicationServiceTemplate"][];
            /** @description Must name one of `appServiceTemplates` when given (400 otherwise). */
            entryPointServiceName?: string | null;
            /**
             * Format: uuid
             * @description User creating the template.
             */
            createdByUserId: string;
        };
        /** @description One app service of a template (orcs `ApplicationServiceTemplateDTO`). */
        ApplicationServiceTemplate: {
            /** @description Name of the app service, unique in the template. */
            appServiceName: string;
            /** @description Kind of PSB that runs it (matched case-insensitively against the `type` of PSBs registered on the Site, e.g. `k8s`, `ShpanPaaS`). */
            psbType?: string;
            /** @description Image / artifact name in the artifact registry. */
            imageName?: string;
            /** @description Kind of image (`docker`, `java`, ...), informational. */
            imageType?: string;
            /** @description Default image version (the deployment plan may override it). */
            imageVersion?: string;
            /** @description PSB-specific settings passed verbatim to the PSB. */
            psbSettings?: {
                [key: string]: string;
            } | null;
            /**
             * @description Environment of the app service. Values may hold `${bindName.key}` placeholders (e.g.
             *     `mongodb://${chat-db.server}/letschat`) that the PSB fills from the binding info of the data service
             *     `bindName`; the Hub and the Site pass them verbatim.
             * @example {
             *       "LCB_DATABASE_URI": "mongodb://${chat-db.server}/letschat"
             *     }
             */
            environmentVariables?: {
                [key: string]: string;
            } | null;
            /** @description Data services the app service needs; missing or null is taken as `[]` (orcs required it non-null). */
            dependencies?: components["schemas"]["AppServiceExternalDependency"][];
            /** @description Ports the service listens on; missing or null is taken as `[]` (orcs required it non-null). */
            exposedPorts?: number[];
            /**
             * Format: int32
             * @description The port serving HTTP, routed publicly by the PSB.
             */
            httpPort?: number | null;
            /**
             * @description Path appended to the service's public URL to form the application's web entry point (only meaningful for
             *     the entry point service). orcs spells it `entryPointURL` (getter-derived); the hub-web UI spelling
             *     `entryPointUrl` is accepted on input (extension) and answered as `entryPointURL`.
             */
            entryPointURL?: string | null;
            /** @description Extension (not in orcs): input alias of `entryPointURL` (hub-web UI spelling); never emitted. */
            entryPointUrl?: string | null;
        };
        /** @description A data service an app service depends on (orcs `AppServiceExternalDependencyDTO`). */
        AppServiceExternalDependency: {
            /**
             * @description Kind of data service. The orcs spellings are emitted; the upper-case hub-web spellings are accepted
             *     (matched case-insensitively) and stored in the orcs spelling.
             * @enum {string}
             */
            type?: "database" | "objectStore" | "messaging" | "cache" | "scheduler" | "logging" | "volume" | "other" | "DATABASE" | "OBJECTSTORE" | "MESSAGING" | "CACHE" | "SCHEDULER" | "LOGGING" | "VOLUME" | "OTHER";
            /** @description Bind name of the data service (key of the plan's `dataServices` and of `${name.key}` placeholders). */
            name: string;
            /** @description Free text. */
            description?: string | null;
            /** @description Acceptable protocols, in order of preference; the DSB plan's protocol must be one of them. */
            protocols?: components["schemas"]["DependencyProtocol"][];
        };
        /** @description One protocol an app service can speak to a dependency (orcs `AppServiceExternalDependencyProtocolDTO`). */
        DependencyProtocol: {
            /** @description Protocol name (e.g. `postgres`, `mongodb`, `s3`), matched case-insensitively. */
            protocolName: string;
            /** @description Protocol version; informational (not evaluated, as in orcs). */
            version?: string | null;
            /** @description Conditions on the protocol; informational (not evaluated, as in orcs). */
            conditions?: {
                [key: string]: string;
            } | null;
            /** @description DSB settings the template enforces when this protocol is chosen; merged over the plan's `dsbSettings`. */
            settings?: {
                [key: string]: string;
            } | null;
        };
        /**
         * @description How to deploy a template on one Site (orcs `AppTemplateDeploymentPlanDTO`): per app service where and which
         *     version, per data service (keyed by dependency bind name) which DSB, plan and protocol. Produced by
         *     `create-app-deployment-plan`, consumed by `deploy-application` and `deploy-saved-image`.
         * @example {
         *       "appServices": {
         *         "hackathon-svc": {
         *           "enabled": true,
         *           "space": "Orcs",
         *           "artifactRegistryName": "shpanRegistry",
         *           "imageVersion": "1.0"
         *         }
         *       },
         *       "dataServices": {
         *         "hackathon-db": {
         *           "enabled": true,
         *           "dsbUrn": "h2-dsb",
         *           "planId": "standard",
         *           "protocol": "postgres",
         *           "dsbSettings": {},
         *           "dsbURN": "h2-dsb",
         *           "dsbPlan": "standard",
         *           "dsbProtocol": "postgres"
         *         },
         *         "hack-docs": {
         *           "enabled": true,
         *           "dsbUrn": "shpanblob-dsb",
         *           "planId": "standard",
         *           "protocol": "s3",
         *           "dsbSettings": {},
         *           "dsbURN": "shpanblob-dsb",
         *           "dsbPlan": "standard",
         *           "dsbProtocol": "s3"
         *         }
         *       }
         *     }
         */
        DeploymentPlan: {
            /** @description App service name → its plan. Every app service of the template must have an entry. */
            appServices: {
                [key: string]: components["schemas"]["AppServiceDeploymentPlan"];
            };
            /** @description Dependency bind name → its plan. Every dependency of an enabled app service must have an enabled entry. */
            dataServices: {
                [key: string]: components["schemas"]["DataServiceDeploymentPlan"];
            };
        };
        /** @description Plan of one app service (orcs `AppServiceDeploymentPlanDTO`). */
        AppServiceDeploymentPlan: {
            /**
             * @description Deploy this app service (disabled ones are skipped).
             * @default false
             */
            enabled: boolean;
            /** @description PSB space to deploy into. */
            space?: string;
            /** @description Name of an artifact registry of the Site holding the image. */
            artifactRegistryName?: string;
            /** @description Image version to deploy. */
            imageVersion?: string;
            /** @description Extension (not in orcs): URN of the PSB to use; when absent the Site picks the first PSB whose type matches the template's `psbType`. */
            psbUrn?: string | null;
            /** @description Extension (not in orcs): settings overlaid on the template's `psbSettings` for this deployment. */
            psbSettings?: {
                [key: string]: string;
            } | null;
        };
        /**
         * @description Plan of one data service (orcs `DataServiceDeploymentPlanDTO`: `dsbUrn`, `planId`, `protocol`). The hub-web UI
         *     spells these `dsbURN`, `dsbPlan`, `dsbProtocol` (`UIDataServiceDeploymentPlan`); both spellings are accepted on
         *     input (the orcs one wins if both are present and differ) and both are emitted by `create-app-deployment-plan`.
         */
        DataServiceDeploymentPlan: {
            /**
             * @description Create this data service.
             * @default false
             */
            enabled: boolean;
            /** @description URN of the DSB (registered on the target Site) that provides it. */
            dsbUrn?: string | null;
            /** @description Id of the DSB plan. */
            planId?: string | null;
            /** @description Protocol name; must be one of the dependency's `protocolName`s. */
            protocol?: string | null;
            /** @description Settings for the DSB instance, merged under the template-enforced protocol settings (the plan's settings are kept even when the template enforces none; orcs dropped them). */
            dsbSettings?: {
                [key: string]: string;
            } | null;
            /** @description Extension (not in orcs): hub-web UI alias of `dsbUrn`. */
            dsbURN?: string | null;
            /** @description Extension (not in orcs): hub-web UI alias of `planId`. */
            dsbPlan?: string | null;
            /** @description Extension (not in orcs): hub-web UI alias of `protocol`. */
            dsbProtocol?: string | null;
        };
        /** @description A policy to attach to the deployed application (orcs `ApplicationPolicyInfoDTO`). Only `policyType` `protection` has an effect (on the Site). */
        AppPolicy: {
            /** @description Policy type, e.g. `protection`. */
            policyType?: string;
            /** @description Policy name. */
            policyName?: string;
            /** @description Policy settings; null is taken as `{}`. */
            policySettings?: {
                [key: string]: string;
            } | null;
        };
        /**
         * @description Body of `create-app-deployment-plan` (orcs `CreateDeploymentPlanCommandArgs` plus `siteId`).
         * @example {
         *       "appTemplateId": "6f1c2d3e-0b7a-4c55-9d1e-2a3b4c5d6e7f",
         *       "appPolicies": [],
         *       "siteId": "0c8e2f7a-5b1d-4e3a-9f6c-1d2e3f4a5b6c"
         *     }
         */
        CreateDeploymentPlanRequest: {
            /**
             * Format: uuid
             * @description Template to plan for (deleted templates allowed).
             */
            appTemplateId: string;
            /** @description Accepted and ignored (as in orcs). */
            appPolicies?: components["schemas"]["AppPolicy"][] | null;
            /**
             * Format: uuid
             * @description Extension (not in orcs): the Site to plan on. Absent: the Hub picks a reachable Site (orcs: a random one). Unknown: 400.
             */
            siteId?: string | null;
        };
        /**
         * @description Body of `deploy-application` (orcs `DeployAppCommandArgs`).
         * @example {
         *       "appInstanceName": "hackathon-dev",
         *       "appTemplateId": "6f1c2d3e-0b7a-4c55-9d1e-2a3b4c5d6e7f",
         *       "siteId": "0c8e2f7a-5b1d-4e3a-9f6c-1d2e3f4a5b6c",
         *       "creatorUserId": "11111111-2222-4333-8444-555555555555",
         *       "purpose": "test-dev",
         *       "appPolicies": [],
         *       "deploymentPlan": {
         *         "appServices": {
         *           "hackathon-svc": {
         *             "enabled": true,
         *             "space": "Orcs",
         *             "artifactRegistryName": "shpanRegistry",
         *             "imageVersion": "1.0"
         *           }
         *         },
         *         "dataServices": {
         *           "hackathon-db": {
         *             "enabled": true,
         *             "dsbUrn": "h2-dsb",
         *             "planId": "standard",
         *             "protocol": "postgres"
         *           },
         *           "hack-docs": {
         *             "enabled": true,
         *             "dsbUrn": "shpanblob-dsb",
         *             "planId": "standard",
         *             "protocol": "s3"
         *           }
         *         }
         *       }
         *     }
         */
        DeployAppRequest: {
            /** @description Name of the new instance; unique across the Hub. */
            appInstanceName: string;
            /**
             * Format: uuid
             * @description Template to deploy (deleted templates allowed).
             */
            appTemplateId: string;
            /**
             * Format: uuid
             * @description Site to deploy on.
             */
            siteId: string;
            /**
             * Format: uuid
             * @description User deploying.
             */
            creatorUserId: string;
            /** @description Stored as the instance's `deploymentType`, e.g. `production`, `test-dev`; free text. */
            purpose?: string | null;
            /** @description Policies for the Site; null is taken as `[]`. */
            appPolicies?: components["schemas"]["AppPolicy"][] | null;
            deploymentPlan: components["schemas"]["DeploymentPlan"];
        };
        /**
         * @description Body of `repurpose-application` (orcs `RepurposeAppCommandArgs`).
         * @example {
         *       "appInstanceName": "hackathon-qa",
         *       "originAppInstanceId": "3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c",
         *       "copyId": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
         *       "userId": "11111111-2222-4333-8444-555555555555",
         *       "purpose": "qa",
         *       "appPolicies": []
         *     }
         */
        RepurposeAppRequest: {
            /** @description Name of the new instance; unique across the Hub. */
            appInstanceName: string;
            /**
             * Format: uuid
             * @description Instance the copy was taken from; the new instance runs on its Site.
             */
            originAppInstanceId: string;
            /**
             * Format: uuid
             * @description App copy id (as returned by `create-app-copy` or listed in the Site's copy history).
             */
            copyId: string;
            /**
             * Format: uuid
             * @description User repurposing (stored as the new instance's `creatorUserId`).
             */
            userId?: string | null;
            /** @description Stored as `deploymentType`; default `other`. */
            purpose?: string | null;
            /** @description Policies for the Site; null is taken as `[]`. */
            appPolicies?: components["schemas"]["AppPolicy"][] | null;
        };
        /**
         * @description Body of `create-app-copy` (orcs `CreateAppCopyCommandArgs`).
         * @example {
         *       "appInstanceId": "3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c"
         *     }
         */
        CreateAppCopyRequest: {
            /**
             * Format: uuid
             * @description Instance to copy.
             */
            appInstanceId: string;
        };
        /**
         * @description Body of `stop-app` (orcs `StopAppCommandArgs`).
         * @example {
         *       "appInstanceId": "3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c",
         *       "userId": "11111111-2222-4333-8444-555555555555"
         *     }
         */
        StopAppRequest: {
            /**
             * Format: uuid
             * @description Instance to stop.
             */
            appInstanceId: string;
            /**
             * Format: uuid
             * @description User stopping it.
             */
            userId: string;
        };
        /**
         * @description Body of `create-saved-image` (orcs `CreateSavedImageCommandArgs`).
         * @example {
         *       "name": "hackathon-before-demo",
         *       "appInstanceId": "3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c",
         *       "userId": "11111111-2222-4333-8444-555555555555",
         *       "tags": [
         *         "demo",
         *         "bug-1234"
         *       ],
         *       "comment": "State just before the demo crash"
         *     }
         */
        CreateSavedImageRequest: {
            /** @description Image name; unique among saved images. */
            name: string;
            /**
             * Format: uuid
             * @description Instance to copy.
             */
            appInstanceId: string;
            /**
             * Format: uuid
             * @description User saving the image.
             */
            userId: string;
            /** @description Free tags (duplicates dropped); missing or null is `[]`. */
            tags?: string[] | null;
            /** @description Free text. */
            comment?: string | null;
        };
        /**
         * @description Body of `deploy-saved-image` (orcs `DeploySavedImageCommandArgs`).
         * @example {
         *       "appInstanceName": "hackathon-bug-1234",
         *       "savedImageId": "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
         *       "userId": "11111111-2222-4333-8444-555555555555",
         *       "siteId": "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8",
         *       "deploymentPlan": {
         *         "appServices": {
         *           "hackathon-svc": {
         *             "enabled": true,
         *             "space": "Orcs",
         *             "artifactRegistryName": "shpanRegistry",
         *             "imageVersion": "1.0"
         *           }
         *         },
         *         "dataServices": {
         *           "hackathon-db": {
         *             "enabled": true,
         *             "dsbURN": "h2-dsb",
         *             "dsbPlan": "standard",
         *             "dsbProtocol": "postgres"
         *           },
         *           "hack-docs": {
         *             "enabled": true,
         *             "dsbURN": "shpanblob-dsb",
         *             "dsbPlan": "standard",
         *             "dsbProtocol": "s3"
         *           }
         *         }
         *       }
         *     }
         */
        DeploySavedImageRequest: {
            /** @description Name of the new instance; unique across the Hub. */
            appInstanceName: string;
            /**
             * Format: uuid
             * @description Image to deploy; must be `created`.
             */
            savedImageId: string;
            /**
             * Format: uuid
             * @description User deploying (stored as `creatorUserId`).
             */
            userId: string;
            /** @description Accepted and ignored; the instance's `deploymentType` is `test-dev` (as in orcs). */
            purpose?: string | null;
            /**
             * Format: uuid
             * @description Target Site; may differ from the image's Site (cross-site restore through a CRB-to-CRB transfer).
             */
            siteId: string;
            deploymentPlan: components["schemas"]["DeploymentPlan"];
        };
        /**
         * @description Body of `add-site` (orcs `AddSiteToHubCommandArgs`).
         * @example {
         *       "urn": "site-east",
         *       "url": "http://10.0.0.7:8080/site-api"
         *     }
         */
        AddSiteRequest: {
            /** @description The Site's URN, unique in the Hub. */
            urn: string;
            /** @description Base URL of the Site API, e.g. `http://10.0.0.7:8080/site-api`. */
            url: string;
            /** @description Extension (not in orcs): the bearer token the Site expects: the Hub sends it on every call to it. Stored, never returned by any read; omit it for a peer that needs none. */
            token?: string;
        };
        /**
         * @description The Hub's record of an application instance (orcs `HubAppInstanceConfigurationDTO`).
         * @example {
         *       "id": "3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c",
         *       "name": "hackathon-dev",
         *       "appTemplateId": "6f1c2d3e-0b7a-4c55-9d1e-2a3b4c5d6e7f",
         *       "siteId": "0c8e2f7a-5b1d-4e3a-9f6c-1d2e3f4a5b6c",
         *       "baseSavedImageId": null,
         *       "creatorUserId": "11111111-2222-4333-8444-555555555555",
         *       "deploymentType": "test-dev",
         *       "created": 1700000000000,
         *       "baseAppInstanceId": null,
         *       "siteReachable": true
         *     }
         */
        AppInstance: {
            /**
             * Format: uuid
             * @description App instance id (assigned by the Hub; the same id on the Site).
             */
            id: string;
            /** @description Instance name, unique across the Hub. */
            name: string;
            /**
             * Format: uuid
             * @description Template it was deployed from.
             */
            appTemplateId: string;
            /**
             * Format: uuid
             * @description Site it runs on.
             */
            siteId: string;
            /**
             * Format: uuid
             * @description Saved image it was deployed from, if any.
             */
            baseSavedImageId: string | null;
            /**
             * Format: uuid
             * @description User who deployed it.
             */
            creatorUserId: string | null;
            /** @description The deployment `purpose`: e.g. `production`, `test-dev` (deploy-saved-image), `other` (repurpose default); free text. */
            deploymentType: string | null;
            /**
             * Format: int64
             * @description Creation time, epoch milliseconds.
             */
            created: number;
            /**
             * Format: uuid
             * @description Extension (not in orcs): the instance this one was repurposed from (the parent in the downstream tree).
             */
            baseAppInstanceId?: string | null;
            /** @description Extension (not in orcs): whether the instance's Site answered the Hub's latest contact. */
            siteReachable?: boolean;
            /**
             * Format: int64
             * @description Extension (not in orcs): when the instance's Site last answered the Hub (epoch milliseconds; null when it
             *     never has since the Hub knew it). What the Hub shows of the instance was confirmed then; with
             *     `siteReachable: false` it is the last known state.
             */
            asOf?: number | null;
        };
        /**
         * @description An instance with its Hub-level state (orcs `HubAppInstanceWithStateDTO`, which extends the configuration DTO).
         * @example {
         *       "id": "3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c",
         *       "name": "hackathon-dev",
         *       "appTemplateId": "6f1c2d3e-0b7a-4c55-9d1e-2a3b4c5d6e7f",
         *       "siteId": "0c8e2f7a-5b1d-4e3a-9f6c-1d2e3f4a5b6c",
         *       "baseSavedImageId": null,
         *       "creatorUserId": "11111111-2222-4333-8444-555555555555",
         *       "deploymentType": "test-dev",
         *       "created": 1700000000000,
         *       "state": "running",
         *       "webEntryPointURL": "http://site-east.example.com/hackathon-dev/hackathon-api/html/nui/index.html",
         *       "stateMessage": null,
         *       "stateDate": 1700000042000,
         *       "siteReachable": true
         *     }
         */
        AppInstanceWithState: components["schemas"]["AppInstance"] & {
            state: components["schemas"]["AppInstanceState"];
            /**
             * @description Public URL of the application once `running`: the Site's `entryPointURL` with `{siteURL}` replaced by
             *     the Site's `publicDns` (its host name when `publicDns` is a URL, as the fallback to the Site URL is),
             *     plus `/` and the entry point service's `entryPointURL` (no double `//`).
             */
            webEntryPointURL: string | null;
            /** @description Why the state is what it is (e.g. the Site's error message); orcs always sent null. */
            stateMessage: string | null;
            /**
             * Format: int64
             * @description Extension (not in orcs): when the state last changed, epoch milliseconds.
             */
            stateDate?: number | null;
        };
        /**
         * @description Hub-level instance state: `deploying` (recorded, Site working), `running`, `error` (Site reported a failure or
         *     the command failed), `unknown` (no verdict within the 30-minute cap, or the
         *     Site unreachable longer than the Hub's threshold; a later answer of the Site moves it on), `stopping` (stop accepted; extension —
         *     orcs never wrote it), `stopped`.
         * @enum {string}
         */
        AppInstanceState: "deploying" | "running" | "error" | "unknown" | "stopping" | "stopped";
        /**
         * @description Lineage tree (orcs `HubAppInstanceDownStreamTreeDTO`); children are instances repurposed from the node.
         * @example {
         *       "siteId": "0c8e2f7a-5b1d-4e3a-9f6c-1d2e3f4a5b6c",
         *       "appInstanceId": "3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c",
         *       "deploymentType": "production",
         *       "downStreamInstances": [
         *         {
         *           "siteId": "0c8e2f7a-5b1d-4e3a-9f6c-1d2e3f4a5b6c",
         *           "appInstanceId": "8c7b6a59-4837-4261-9f0e-1d2c3b4a5968",
         *           "deploymentType": "qa",
         *           "downStreamInstances": []
         *         }
         *       ]
         *     }
         */
        AppInstanceDownStreamTree: {
            /**
             * Format: uuid
             * @description Site of this node's instance.
             */
            siteId: string;
            /**
             * Format: uuid
             * @description This node's instance.
             */
            appInstanceId: string;
            /** @description This node's instance `deploymentType`. */
            deploymentType: string | null;
            /** @description Instances repurposed from this one (same shape, recursively); empty for a leaf. */
            downStreamInstances: components["schemas"]["AppInstanceDownStreamTree"][];
        };
        /**
         * @description A Site connected to the Hub (orcs `SiteDto`).
         * @example {
         *       "id": "0c8e2f7a-5b1d-4e3a-9f6c-1d2e3f4a5b6c",
         *       "urn": "site-east",
         *       "url": "http://10.0.0.7:8080/site-api",
         *       "name": "east",
         *       "version": "1",
         *       "location": {
         *         "latitude": 40.7128,
         *         "longitude": -74.006,
         *         "name": "New York",
         *         "properties": {
         *           "provider": "on-prem"
         *         }
         *       },
         *       "publicDns": "site-east.example.com",
         *       "status": "reachable",
         *       "lastSeen": 1700000060000
         *     }
         */
        Site: {
            /**
             * Format: uuid
             * @description Site id (assigned by the Hub).
             */
            id: string;
            /** @description Site URN given in `add-site`, unique in the Hub. */
            urn: string;
            /** @description Base URL of the Site API (e.g. `http://10.0.0.7:8080/site-api`). */
            url: string;
            /** @description Site name, from its `site/info`. */
            name: string | null;
            /** @description Site version, from its `site/info`. */
            version: string | null;
            location: components["schemas"]["SiteLocation"];
            /** @description Public DNS of the Site (its `site/info` `publicDNS`, else the Site URL); substituted for `{siteURL}` in entry point URLs. Spelled `publicDns` here, as in orcs `SiteDto`. */
            publicDns: string | null;
            /**
             * @description Extension (not in orcs): whether the Site answered the Hub's latest call (the background refresher's or a command's).
             * @enum {string}
             */
            status?: "reachable" | "unreachable";
            /**
             * Format: int64
             * @description Extension (not in orcs): last time the Site answered the Hub, epoch milliseconds; null if never since it was added.
             */
            lastSeen?: number | null;
        };
        /** @description Geographic location of a Site (orcs `SiteLocationDTO`); null when the Site reports none. */
        SiteLocation: {
            /**
             * Format: double
             * @description Latitude in degrees.
             */
            latitude?: number;
            /**
             * Format: double
             * @description Longitude in degrees.
             */
            longitude?: number;
            /** @description Display name of the place. */
            name?: string | null;
            /** @description Free properties; omitted when there are none (as in orcs). */
            properties?: {
                [key: string]: string;
            };
        } | null;
        /**
         * @description A saved image (orcs `SavedImageDTO`): a named, tagged app copy of an instance.
         * @example {
         *       "id": "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
         *       "appTemplateId": "6f1c2d3e-0b7a-4c55-9d1e-2a3b4c5d6e7f",
         *       "name": "hackathon-before-demo",
         *       "baseImageId": null,
         *       "userId": "11111111-2222-4333-8444-555555555555",
         *       "createdDate": 1700000100000,
         *       "tags": [
         *         "demo",
         *         "bug-1234"
         *       ],
         *       "comment": "State just before the demo crash",
         *       "siteId": "0c8e2f7a-5b1d-4e3a-9f6c-1d2e3f4a5b6c",
         *       "appCopyId": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
         *       "state": "created",
         *       "stateMessage": null
         *     }
         */
        SavedImage: {
            /**
             * Format: uuid
             * @description Saved image id.
             */
            id: string;
            /**
             * Format: uuid
             * @description Template of the copied instance.
             */
            appTemplateId: string;
            /** @description Image name, unique among saved images. */
            name: string;
            /**
             * Format: uuid
             * @description Saved image the copied instance was itself deployed from, if any.
             */
            baseImageId: string | null;
            /**
             * Format: uuid
             * @description User who saved it.
             */
            userId: string | null;
            /**
             * Format: int64
             * @description Creation time, epoch milliseconds.
             */
            createdDate: number;
            /** @description Free tags. */
            tags: string[];
            /** @description Free text. */
            comment: string | null;
            /**
             * Format: uuid
             * @description Site holding the app copy (the copied instance's Site).
             */
            siteId: string;
            /**
             * Format: uuid
             * @description App copy id on that Site.
             */
            appCopyId: string;
            state: components["schemas"]["SavedImageState"];
            /** @description Extension (not in orcs): why the image is `failed` (e.g. the copy's error), null otherwise. */
            stateMessage?: string | null;
        };
        /**
         * @description `creating` while the app copy is being taken, then `created` or `failed` (copy failed, or not done within 30 minutes).
         * @enum {string}
         */
        SavedImageState: "creating" | "created" | "failed";
        /**
         * @description Extension (not in orcs). What the operation does: `deploy` (deploy-application, repurpose-application,
         *     deploy-saved-image), `copy` (create-app-copy), `saved-image` (create-saved-image), `transfer` (one CRB-to-CRB
         *     copy transfer of a cross-site deploy-saved-image), `stop` (stop-app).
         * @enum {string}
         */
        OperationKind: "deploy" | "copy" | "saved-image" | "transfer" | "stop";
        /**
         * @description Extension (not in orcs). `pending` (recorded, not started), `running`, then final `succeeded` or `failed`.
         * @enum {string}
         */
        OperationPhase: "pending" | "running" | "succeeded" | "failed";
        /** @description Extension (not in orcs). One step of an operation, e.g. `send-deploy`, `await-running`, `transfer:hackathon-db`. */
        OperationStep: {
            /** @description Step name, stable per kind. */
            name: string;
            /**
             * @description Phase of the step.
             * @enum {string}
             */
            phase: "pending" | "running" | "succeeded" | "failed" | "skipped";
            /**
             * Format: int64
             * @description Start time, epoch milliseconds.
             */
            started?: number | null;
            /**
             * Format: int64
             * @description End time, epoch milliseconds.
             */
            finished?: number | null;
            /** @description Detail (e.g. the Site's last reported state). */
            message?: string | null;
        };
        /** @description Extension (not in orcs). Why an operation failed; set when `phase` is `failed`, null otherwise. */
        OperationError: {
            /** @description Stable kind, as in `Error.reason` (e.g. `unavailable`, `bad_gateway`, `timeout`, `site_error`). */
            reason?: string;
            /** @description Human-readable explanation. */
            message: string;
            /** @description Step that failed. */
            step?: string | null;
        } | null;
        /**
         * @description Extension (not in orcs). A persisted unit of long Hub work. It is written before the command that starts it
         *     answers, advanced by the Hub's operation engine and resumed after a restart until it reaches `succeeded` or
         *     `failed`.
         * @example {
         *       "id": "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918",
         *       "kind": "deploy",
         *       "phase": "running",
         *       "step": "transfer-copies",
         *       "steps": [
         *         {
         *           "name": "validate",
         *           "phase": "succeeded",
         *           "started": 1700000200000,
         *           "finished": 1700000200050,
         *           "message": null
         *         },
         *         {
         *           "name": "transfer-copies",
         *           "phase": "running",
         *           "started": 1700000200050,
         *           "finished": null,
         *           "message": "1 of 2 data-service copies transferred"
         *         },
         *         {
         *           "name": "send-deploy",
         *           "phase": "pending",
         *           "started": null,
         *           "finished": null,
         *           "message": null
         *         },
         *         {
         *           "name": "await-running",
         *           "phase": "pending",
         *           "started": null,
         *           "finished": null,
         *           "message": null
         *         }
         *       ],
         *       "progress": {
         *         "completed": 1,
         *         "total": 4,
         *         "unit": "steps"
         *       },
         *       "error": null,
         *       "created": 1700000200000,
         *       "updated": 1700000260000,
         *       "parentId": null,
         *       "appInstanceId": "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901",
         *       "siteId": "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8",
         *       "savedImageId": "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a",
         *       "appCopyId": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
         *     }
         */
        Operation: {
            /**
             * Format: uuid
             * @description Operation id.
             */
            id: string;
            kind: components["schemas"]["OperationKind"];
            phase: components["schemas"]["OperationPhase"];
            /** @description Name of the current (or, when final, last) step. */
            step: string | null;
            /** @description All steps of the operation, in execution order. */
            steps: components["schemas"]["OperationStep"][];
            /** @description How far the operation is. `completed` and `total` count steps, or bytes when `unit` is `bytes` (transfers). */
            progress: {
                /**
                 * Format: int64
                 * @description Units done.
                 */
                completed: number;
                /**
                 * Format: int64
                 * @description Units to do (0 when unknown).
                 */
                total: number;
                /**
                 * @description Unit of `completed` and `total`.
                 * @default steps
                 * @enum {string}
                 */
                unit: "steps" | "bytes";
            };
            error: components["schemas"]["OperationError"];
            /**
             * Format: int64
             * @description Creation time, epoch milliseconds.
             */
            created: number;
            /**
             * Format: int64
             * @description Last change, epoch milliseconds.
             */
            updated: number;
            /** @description Extension (not in orcs): the principal whose call started this operation (`name (role)`), or `system` for work the service started itself (scheduled protection, expiry). */
            startedBy?: string | null;
            /**
             * Format: uuid
             * @description Operation this one is part of (a `transfer` under its `deploy`).
             */
            parentId?: string | null;
            /**
             * Format: uuid
             * @description Instance concerned (deployed, copied, stopped).
             */
            appInstanceId?: string | null;
            /**
             * Format: uuid
             * @description Site where the work happens (target Site for a deploy).
             */
            siteId?: string | null;
            /**
             * Format: uuid
             * @description Saved image concerned (created or deployed).
             */
            savedImageId?: string | null;
            /**
             * Format: uuid
             * @description App copy concerned (taken, restored or transferred).
             */
            appCopyId?: string | null;
        };
    };
    responses: {
        /** @description No credential, or one this service does not know (a bad, expired or revoked token, a JWT of another issuer or audience). Sent with `WWW-Authenticate: Bearer`. Extension (not in orcs). */
        Unauthorized: {
            headers: {
                /** @description Always `Bearer`, with `error="invalid_token"` when a credential was sent but not accepted. */
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 401,
                 *       "message": "missing credential: send Authorization: Bearer <token>",
                 *       "reason": "unauthorized"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The credential is known but its role is below the one this operation declares in `x-ocopea-role`, or it is a scoped copy credential for another copy or operation. Extension (not in orcs). */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 403,
                 *       "message": "this operation needs the role admin; principal 'ci' has viewer",
                 *       "reason": "forbidden"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request is invalid (missing or malformed field, unknown id referenced in the body, plan not matching the template). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 400,
                 *       "message": "entryPointServiceName 'web' is not one of the app services",
                 *       "reason": "bad_request"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The template, instance, site, saved image or operation named in the path (or, where stated, in the body) does not exist. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 404,
                 *       "message": "app instance '3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c' not found",
                 *       "reason": "not_found"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A uniqueness rule (template name+version, instance name, site URN, saved image name) or a state precondition is violated. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 409,
                 *       "message": "app instance named 'hackathon-dev' already exists",
                 *       "reason": "conflict"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A Site (or a CRB the Hub ordered) answered with an error or an unreadable body. `message` carries what it said. */
        BadGateway: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 502,
                 *       "message": "site 'site-east' answered 500 to deploy-application: PSB unreachable",
                 *       "reason": "bad_gateway"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A Site the command needs did not answer (connection refused or per-site timeout). */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 503,
                 *       "message": "site 'site-east' (http://10.0.0.7:8080/site-api) is unreachable",
                 *       "reason": "unavailable"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Unexpected failure. */
        Internal: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "code": 500,
                 *       "message": "Failed deploy-application - unexpected error",
                 *       "reason": "internal"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /** @description Application template id. */
        AppTemplateId: string;
        /** @description Application instance id. */
        AppInstanceId: string;
        /** @description Site id (assigned by the Hub in `add-site`). */
        SiteId: string;
        /** @description Saved image id. */
        SavedImageId: string;
    };
    requestBodies: never;
    headers: {
        /**
         * @description Path of the created resource, absolute from the Hub root (e.g. `/hub-api/app/instance/{id}`). orcs sent
         *     relative values that did not resolve to a resource (`./<id>`, `app-instance/<id>`, `<id>`); clients must take
         *     the id from the body, not from this header.
         * @example /hub-api/app/instance/3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c
         */
        Location: string;
        /**
         * @description Extension (not in orcs): id of the Hub operation that carries the long work started by this command; read it at `/operations/{id}`.
         * @example 7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918
         */
        XOperationId: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listAppTemplates: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The non-deleted templates, in no guaranteed order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApplicationTemplate"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    getAppTemplate: {
        parameters: {
            query?: never;
            header?: {
                /** @description When `true`, a soft-deleted template is returned instead of answering 404 (orcs header). */
                "NAZGUL-INCLUDE-DELETED"?: boolean;
            };
            path: {
                /** @description Application template id. */
                appTemplateId: components["parameters"]["AppTemplateId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The template. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApplicationTemplate"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    deleteAppTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application template id. */
                appTemplateId: components["parameters"]["AppTemplateId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    createApplicationTemplate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApplicationTemplateRequest"];
            };
        };
        responses: {
            /** @description Created; the body is the stored template with its new `id`. */
            201: {
                headers: {
                    Location: components["headers"]["Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApplicationTemplate"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            default: components["responses"]["Internal"];
        };
    };
    listAppInstances: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description All instances, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstance"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    getAppInstance: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application instance id. */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The instance. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstance"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    getAppInstanceDownstream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application instance id. */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The tree rooted at the requested instance. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstanceDownStreamTree"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    listAppInstanceStates: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description All instances with state, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstanceWithState"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    getAppInstanceState: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Application instance id. */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The instance with its state. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstanceWithState"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    createAppDeploymentPlan: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateDeploymentPlanRequest"];
            };
        };
        responses: {
            /** @description The proposed plan. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentPlan"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    deployApplication: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeployAppRequest"];
            };
        };
        responses: {
            /** @description Accepted; the body is the new app instance id (JSON string). Follow its state under `/app/instance-state/{id}`. */
            200: {
                headers: {
                    "X-Operation-Id": components["headers"]["XOperationId"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example 3f2a9c1e-7b4d-4e8a-b5c6-9d0e1f2a3b4c */
                    "application/json": components["schemas"]["IdString"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    repurposeApplication: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RepurposeAppRequest"];
            };
        };
        responses: {
            /** @description Accepted; the body is the new app instance id (JSON string). */
            201: {
                headers: {
                    Location: components["headers"]["Location"];
                    "X-Operation-Id": components["headers"]["XOperationId"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example 8c7b6a59-4837-4261-9f0e-1d2c3b4a5968 */
                    "application/json": components["schemas"]["IdString"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    createAppCopy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateAppCopyRequest"];
            };
        };
        responses: {
            /** @description The app copy id (JSON string). */
            200: {
                headers: {
                    "X-Operation-Id": components["headers"]["XOperationId"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d */
                    "application/json": components["schemas"]["IdString"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    stopApp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StopAppRequest"];
            };
        };
        responses: {
            /** @description Stop accepted by the Site. */
            204: {
                headers: {
                    "X-Operation-Id": components["headers"]["XOperationId"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    listSites: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The connected Sites. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Site"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    getSite: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Site id (assigned by the Hub in `add-site`). */
                siteId: components["parameters"]["SiteId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Site. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Site"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    addSite: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddSiteRequest"];
            };
        };
        responses: {
            /** @description Connected; the body is the new site id (JSON string). */
            201: {
                headers: {
                    Location: components["headers"]["Location"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example 0c8e2f7a-5b1d-4e3a-9f6c-1d2e3f4a5b6c */
                    "application/json": components["schemas"]["IdString"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    listSavedImages: {
        parameters: {
            query?: {
                /** @description Only images of this template. */
                appTemplateId?: string;
                /** @description Extension (not in orcs): at most this many images (a page); absent = all of them, as orcs answered. */
                pageSize?: number;
                /** @description Extension (not in orcs): which page of `pageSize` images, from 0 (default 0; only with `pageSize`). */
                pageNumber?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The saved images, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SavedImage"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    getSavedImage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Saved image id. */
                savedImageId: components["parameters"]["SavedImageId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The saved image. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SavedImage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    createSavedImage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateSavedImageRequest"];
            };
        };
        responses: {
            /** @description The new saved image id (JSON string). */
            200: {
                headers: {
                    "X-Operation-Id": components["headers"]["XOperationId"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example 5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a */
                    "application/json": components["schemas"]["IdString"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    deploySavedImage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeploySavedImageRequest"];
            };
        };
        responses: {
            /** @description Accepted; the body is the new app instance id (JSON string). */
            201: {
                headers: {
                    Location: components["headers"]["Location"];
                    "X-Operation-Id": components["headers"]["XOperationId"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example 2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901 */
                    "application/json": components["schemas"]["IdString"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            502: components["responses"]["BadGateway"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    listOperations: {
        parameters: {
            query?: {
                /** @description Only operations of this kind. */
                kind?: components["schemas"]["OperationKind"];
                /** @description Only operations in one of these phases (repeat the parameter for several). */
                phase?: components["schemas"]["OperationPhase"][];
                /** @description Only operations concerning this app instance. */
                appInstanceId?: string;
                /** @description Only operations concerning this saved image. */
                savedImageId?: string;
                /** @description At most this many operations. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The matching operations, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    getOperation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Operation id (as given in the `X-Operation-Id` header of the command that started it). */
                operationId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operation. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Operation"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
}
