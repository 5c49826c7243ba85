/**
 * GENERATED FILE: DO NOT EDIT.
 * Source: specs/site.yaml. Regenerate with `pnpm generate`; `pnpm test` fails when this file drifts from the spec.
 */

export interface paths {
    "/site/info": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Describe this Site
         * @description Name, version, public DNS and location of this Site, from its configuration. The Hub reads it when the Site is added; when `publicDNS` is null the Hub uses the Site URL instead.
         */
        get: operations["getSiteInfo"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/app-instance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List deployed applications
         * @description Every application deployed on this Site, in any state (including stopped and failed ones).
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
    "/site/app-instance/{appInstanceId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The application instance id (a UUID chosen by the Hub). */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        /**
         * Get one deployed application
         * @description The application with its app services and data services. The Hub polls it after deploy (`running` = done, `deploying` = keep waiting, anything else = failed) and after stop (`stopped`).
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
    "/site/app-instance/{appInstanceId}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The application instance id (a UUID chosen by the Hub). */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        /**
         * Where to read the application's logs
         * @description Answers one item: the websocket `address` streaming the application's logs, `serialization` "json", and
         *     `tags` (the app service names and data-service bind names that frames can carry).
         *
         *     The address is the request URL with scheme `ws` (`wss` behind TLS), i.e. the socket is served on this same
         *     path. Each text frame is one JSON `SiteLogMessageDTO` `{message, timestamp (epoch ms), messageType
         *     ("out" | "err"), tags}`: lines relayed from the PSB log sockets of the app services (tag = app service
         *     name) and deployment progress messages (tag = bind name or app service name, e.g. "Data Service notes-db
         *     is in state bound"). The server only sends.
         */
        get: operations["getAppInstanceLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/app-instance/{appInstanceId}/copy-history": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The application instance id (a UUID chosen by the Hub). */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        /**
         * List the copies of an application
         * @description The application copies taken of this application whose `timeStamp` lies in the half-open interval [`intervalStart`, `intervalEnd`), with data-service details from the CRB. Deleted copies are not listed. `intervalEnd` < `intervalStart` answers 400.
         */
        get: operations["getAppInstanceCopyHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/app-instance/{appInstanceId}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The application instance id (a UUID chosen by the Hub). */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        /**
         * Copy and storage statistics of an application
         * @description The application's copies plus per-data-service production statistics (storage type and size as reported by the DSB; orcs hard-coded `docker volume` / 10240).
         */
        get: operations["getAppInstanceStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/copy/{copyId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An application copy id (as answered by create-app-copy). */
                copyId: components["parameters"]["AppCopyId"];
            };
            cookie?: never;
        };
        /**
         * Get one application copy
         * @description The application copy with its data-service copies (ids, CRB URN, protocol, facility, size from the CRB metadata; `"N/A"`/0 when the CRB cannot be read). The Hub builds restore information from it.
         */
        get: operations["getAppCopy"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/copy-repository/{copyRepoURN}/{copyId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description URN of a registered CRB. */
                copyRepoURN: string;
                /** @description A data-service copy id (an object id in that CRB, not an application copy id). */
                copyId: string;
            };
            cookie?: never;
        };
        /**
         * Download the data of a data-service copy
         * @description orcs streamed the CRB's `GET {crbUrl}/copies/{copyId}/data` through the Site (`application/octet-stream`).
         *     Copy data never enters this Site: it answers **307 Temporary Redirect** with `Location:
         *     {crbUrl}/copies/{copyId}/data`, and the client (which follows redirects, as HTTP clients do by default for
         *     GET) reads the octet stream from the CRB, which answers 404 for an unknown copy. 404 here when no CRB with
         *     that URN is registered.
         */
        get: operations["downloadCopyData"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/psb": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List registered PSBs
         * @description The PSBs registered with this Site.
         */
        get: operations["listPsbs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/psb-detailed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List registered PSBs with their spaces
         * @description As `GET /site/psb`, plus each PSB's spaces from `GET {psbUrl}/psb/spaces`. When that call fails or returns nothing, the PSB is listed with the single space `{name: "default", properties: {}}`.
         */
        get: operations["listPsbsDetailed"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/copy-repo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List registered CRBs
         * @description The copy repository brokers registered with this Site.
         */
        get: operations["listCopyRepos"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/register-dsb": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register a DSB
         * @description Reads `GET {dsbUrl}/` and stores the DSB (name, type, description, plans with their protocols and copy
         *     protocols) under `dsbUrn`. Registering a URN again replaces it (orcs behaviour), e.g. for a broker that moved;
         *     but not with a DSB of another `type` while applications that are not stopped use the URN (409: their copies
         *     and stops would go to a broker that never held their data services). Answers the DSB as the catalog shows it.
         *
         *     Errors: 400 when a field is missing or the URL answers something that is not a DSB info document;
         *     409 as above; **503** when the DSB cannot be reached or answers an error (orcs: 500 "failed connecting to
         *     dsb").
         */
        post: operations["registerDsb"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/register-psb": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register a PSB
         * @description Reads `GET {psbUrl}/psb/info` and stores the PSB (type, name, version, `appServiceIdMaxLength`) under
         *     `psbUrn`. Registering a URN again replaces it, but not with a PSB of another `type` while applications that
         *     are not stopped have app services on it (409). App services are later placed on the first PSB whose `type`
         *     equals their `psbType` (case-insensitive).
         *
         *     Errors: 400 when a field is missing or the URL answers something that is not a PSB info document; 409 as
         *     above; **503** when the PSB cannot be reached or answers an error.
         */
        post: operations["registerPsb"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/register-crb": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register a CRB
         * @description Reads `GET {crbUrl}/info` and stores the CRB (name, type = `repoType`, version) under `crbUrn`. Registering
         *     a URN again replaces it. No repository is created.
         *
         *     Errors: 400 when a field is missing or the URL answers something that is not a CRB info document;
         *     **503** when the CRB cannot be reached or answers an error.
         */
        post: operations["registerCrb"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/remove-dsb": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Unregister a DSB
         * @description Forgets the DSB. 404 when no DSB has that URN; 409 while a deployed application that is not stopped has a data service on it (orcs did not check).
         */
        post: operations["removeDsb"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/remove-crb": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Unregister a CRB
         * @description Forgets the CRB; copies stored in it stay listed but their data can no longer be reached through this Site. 404 when no CRB has that URN.
         */
        post: operations["removeCrb"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/add-cr": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a copy repository inside a registered CRB
         * @description Creates a repository in the CRB registered under `crbUrn` (`POST {crbUrl}/repositories/{new id}` with a
         *     `RepositoryInfo` named `crName`; orcs built an `nfs` 4.1 protocol entry from `crProperties` `addr`, `user`,
         *     `password`, for the fs-crb). Nothing is stored on the Site.
         *
         *     Errors: 400 missing field or property; 404 unknown `crbUrn`; 503 CRB unreachable or refusing.
         */
        post: operations["addCr"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/artifact-registry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List artifact registries
         * @description The artifact registries of this Site. `parameters` never include passwords (orcs leaked them, orcs-site-hub.md §7.13).
         */
        get: operations["listArtifactRegistries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/artifact-registry/{name}/{artifactId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The artifact registry name. */
                name: string;
                /** @description The artifact (image) name. */
                artifactId: string;
            };
            cookie?: never;
        };
        /**
         * List the versions of an artifact
         * @description Asks the registry for the versions of `artifactId`: customRest `GET {url}/{artifactId}` (a string array),
         *     mavenRepository `maven-metadata.xml` versions, dockerRegistry the tags of the repository.
         *
         *     404 when no registry has that name or the registry does not know the artifact; 503 when the registry cannot
         *     be reached (orcs answered 404 for any listing failure).
         */
        get: operations["listArtifactVersions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/add-custom-artifact-registry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add a custom REST artifact registry
         * @description Adds a registry of type `customRest` with parameters `{url}`; versions of an artifact are read from `GET {url}/{artifactId}` (a JSON string array). Adding an existing name replaces it.
         */
        post: operations["addCustomArtifactRegistry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/add-docker-artifact-registry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add a Docker registry
         * @description Adds a registry of type `dockerRegistry`. Adding an existing name replaces it.
         */
        post: operations["addDockerArtifactRegistry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/add-maven-artifact-registry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add a Maven repository
         * @description Adds a registry of type `mavenRepository`. Adding an existing name replaces it.
         */
        post: operations["addMavenArtifactRegistry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/remove-artifact-registry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Remove an artifact registry
         * @description Forgets the registry. 404 when no registry has that name.
         */
        post: operations["removeArtifactRegistry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/deploy-application": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deploy an application
         * @description Validates the manifest, records the application (state `deploying`) and a `deploy` operation, and answers
         *     **204** at once (as orcs). The work then runs asynchronously and survives restarts: create the data
         *     services at their DSBs (restoring from `restoreInfo` when given) and wait until they run, read their
         *     bindings, activate the protection policies, deploy the app services at their PSBs and wait until they run;
         *     the application becomes `running` with the entry-point service's URL, or `error`. Follow it with
         *     `GET /site/app-instance/{appInstanceId}` or, as an extension, `GET /site/operations?appInstanceId=` (kind
         *     `deploy`; its id is also in the `X-Operation-Id` header).
         *
         *     400 when a required field is empty, an app service's `psbType` matches no registered PSB, its artifact
         *     registry is unknown, a dependency is not a key of `dataServices`, a data service's `dsbUrn` is not
         *     registered or its `plan` is not a plan of that DSB. 409 when `appInstanceId` is already deployed on this
         *     Site (orcs accepted it and corrupted the application).
         *
         *     Data services no included app service depends on are not deployed (orcs behaviour). `appPolicies` may be
         *     absent or null (= none).
         */
        post: operations["deployApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/create-app-copy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Take a copy of an application
         * @description Starts an application copy and answers its id at once (a JSON string). For every data service the Site
         *     stores copy metadata in a CRB, then asks the DSB to copy its instance straight into that CRB; the copy
         *     becomes `created` when every data-service copy is stored, `failed` otherwise. Follow it with
         *     `GET /site/copy/{copyId}` or, as an extension, `GET /site/operations?appInstanceId=` (kind `copy`;
         *     its id is also in the `X-Operation-Id` header).
         *
         *     404 when the application is unknown; 409 when it is not `running` or no CRB is registered.
         */
        post: operations["createAppCopy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/stop-app": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop an application
         * @description Marks the application `stopping` and answers 204; asynchronously every app service is deleted at its PSB,
         *     then every data service at its DSB, and the application becomes `stopped` (or `errorstopping`). Copies
         *     are kept. Stopping an application that is already `stopping` or `stopped` answers 204 and starts no new
         *     work. 404 when the application is unknown.
         */
        post: operations["stopApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/grant-copy-access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get a short-lived credential for one copy in one of this Site's CRBs
         * @description Extension (not in orcs). Asks the CRB registered as `copyRepoURN` for a scoped credential (its `createGrant`)
         *     allowing exactly `access` on `copyId`, and answers the URL to use it with: the CRB's registered URL plus a
         *     capability prefix, under which the usual CRB paths hang (like a presigned URL). A broker that knows nothing
         *     of tokens uses it unchanged. This is how the Hub moves a copy between Sites without holding any CRB's own
         *     credential: a `transfer` grant on the source CRB, a `write` grant on the target CRB.
         *
         *     A CRB that does not offer grants (an orcs CRB) is answered with its plain URL and `expiresAt: null`.
         *     Errors: 400 unknown `copyRepoURN` or bad fields; 503 the CRB cannot be reached.
         */
        post: operations["grantCopyAccess"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/commands/delete-app-copy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete an application copy
         * @description Extension (not in orcs): deletes the copy's data-service copies from their CRB (`DELETE {crbUrl}/copies/{dataServiceCopyId}`, an already missing one counts as deleted) and then the application copy itself. 404 when the copy is unknown; 409 while it is still `creating`; 503 when a CRB cannot be reached (nothing is forgotten then; retry).
         */
        post: operations["deleteAppCopy"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/site/operations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List long-running operations
         * @description Extension (not in orcs): the operation records of this Site, newest first, optionally filtered. An operation is written before long work starts and advanced step by step; after a restart the Site resumes every operation not in a final phase (`succeeded`, `failed`).
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
    "/site/operations/{operationId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The operation id. */
                operationId: string;
            };
            cookie?: never;
        };
        /**
         * Get one operation
         * @description Extension (not in orcs): one operation record.
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
    "/dsb/catalog": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the data services offered
         * @description One entry per registered DSB, from the information stored at registration (copy protocols are not exposed).
         */
        get: operations["listDsbCatalog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/dsb/catalog/instance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the data-service instances of every DSB
         * @description `GET {dsbUrl}/service_instances` of every registered DSB, as `{name: instanceId, dsb: dsbUrn, type: DSB type, basedOnCopyId: null}`. A DSB that cannot be reached is skipped.
         */
        get: operations["listDsbServiceInstances"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/dsb/catalog/instance/{dsbUrn}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description URN of a registered DSB. */
                dsbUrn: string;
            };
            cookie?: never;
        };
        /**
         * List the data-service instances of one DSB
         * @description As `GET /dsb/catalog/instance` for one DSB. 404 when no DSB has that URN; 503 when it cannot be reached.
         */
        get: operations["listDsbServiceInstancesOfDsb"];
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
         * Format: int64
         * @description A point in time, epoch milliseconds.
         */
        EpochMillis: number;
        /**
         * @description This Site (orcs `SiteInfoDto`).
         * @example {
         *       "name": "lab",
         *       "version": "1.0.0",
         *       "publicDNS": "site.local",
         *       "location": {
         *         "latitude": 32.0853,
         *         "longitude": 34.7818,
         *         "name": "Tel Aviv"
         *       }
         *     }
         */
        SiteInfoDto: {
            /** @description Site name (configuration; orcs default `prod`). */
            name: string;
            /** @description Site service version. */
            version: string;
            /** @description Public host name or load balancer of the Site; replaces `{siteURL}` in entry-point URLs. Null when not configured. */
            publicDNS: string | null;
            location: components["schemas"]["SiteLocationDTO"];
        };
        /** @description Geographic location of a Site (orcs `SiteLocationDTO`); null when not configured. */
        SiteLocationDTO: {
            /** Format: double */
            latitude: number;
            /** Format: double */
            longitude: number;
            /** @description Display name of the place. */
            name: string;
            /** @description Free-form attributes; omitted when absent. */
            properties?: {
                [key: string]: string;
            };
        } | null;
        /**
         * @description State of a deployed application.
         * @enum {string}
         */
        DeployedApplicationState: "pending" | "deploying" | "running" | "error" | "stopping" | "stopped" | "errorstopping";
        /**
         * @description State of an app service of a deployed application.
         * @enum {string}
         */
        DeployedAppServiceState: "pending" | "queued" | "deploying" | "deployed" | "error" | "stopping" | "errorstopping" | "stopped";
        /**
         * @description State of a data service of a deployed application.
         * @enum {string}
         */
        DeployedDataServiceState: "pending" | "queued" | "creating" | "created" | "errorcreating" | "binding" | "errorbinding" | "bound" | "errorunbinding" | "unbinding" | "unbound" | "errorremoving" | "removing" | "removed";
        /**
         * @description A deployed application (orcs `AppInstanceInfoDTO`).
         * @example {
         *       "id": "3f2a9c1e-0b7d-4c55-9f0e-1a2b3c4d5e6f",
         *       "name": "notes",
         *       "templateName": "notes-app",
         *       "templateVersion": "1.0",
         *       "state": "running",
         *       "stateMessage": null,
         *       "stateDate": 1717000060000,
         *       "launched": 1717000000000,
         *       "entryPointURL": "http://127.0.0.1:41234",
         *       "appServices": [
         *         {
         *           "serviceName": "notes-svc",
         *           "imageName": "notes-app",
         *           "imageType": "nodejs",
         *           "imageVersion": "1.0.0",
         *           "publicUrl": "http://127.0.0.1:41234",
         *           "state": "deployed",
         *           "stateMessage": null,
         *           "stateDate": 1717000060000,
         *           "serviceBindings": [
         *             "notes-db"
         *           ]
         *         }
         *       ],
         *       "dataServices": [
         *         {
         *           "bindName": "notes-db",
         *           "dsbURN": "postgres-dsb",
         *           "serviceId": "notes-db-3f2a9c1e-0b7d-4c55-9f0e-1a2b3c4d5e6f",
         *           "state": "bound",
         *           "stateMessage": null,
         *           "stateDate": 1717000030000
         *         }
         *       ]
         *     }
         */
        AppInstanceInfoDTO: {
            /** @description The application instance id (a UUID). */
            id: string;
            /** @description The application instance name. */
            name: string;
            templateName: string;
            templateVersion: string;
            state: components["schemas"]["DeployedApplicationState"];
            /** @description Why it is in that state. */
            stateMessage: string | null;
            stateDate: components["schemas"]["EpochMillis"];
            launched: components["schemas"]["EpochMillis"];
            /** @description Public URL of the entry-point app service once `running`; may contain `{siteURL}`, which the Hub replaces with the Site's public DNS. Null before. */
            entryPointURL: string | null;
            appServices: components["schemas"]["AppServiceInfoDTO"][];
            dataServices: components["schemas"]["DataServiceInfoDTO"][];
        };
        /** @description An app service of a deployed application. */
        AppServiceInfoDTO: {
            serviceName: string;
            imageName: string;
            imageType: string | null;
            imageVersion: string;
            /** @description Its public URL once deployed. */
            publicUrl: string | null;
            state: components["schemas"]["DeployedAppServiceState"];
            stateMessage: string | null;
            stateDate: components["schemas"]["EpochMillis"];
            /** @description Bind names of the data services it uses. */
            serviceBindings: string[];
        };
        /** @description A data service of a deployed application. */
        DataServiceInfoDTO: {
            /** @description The name app services bind it by. */
            bindName: string;
            /** @description URN of the DSB serving it. */
            dsbURN: string;
            /** @description Its instance id at the DSB (`{bindName}-{appInstanceId}`, last 50 characters). */
            serviceId: string;
            state: components["schemas"]["DeployedDataServiceState"];
            stateMessage: string | null;
            stateDate: components["schemas"]["EpochMillis"];
        };
        /** @description Where to read an application's logs. */
        ServiceLogsWebSocketDTO: {
            /** @description Websocket URL (`ws://` or `wss://`) streaming `SiteLogMessageDTO` frames. */
            address: string;
            /**
             * @description Frame encoding.
             * @enum {string}
             */
            serialization: "json";
            /** @description Tags frames may carry (app service names and data-service bind names). */
            tags: string[];
        };
        /**
         * @description One websocket text frame of an application's log stream (not an HTTP body).
         * @example {
         *       "message": "Data Service notes-db is in state bound",
         *       "timestamp": 1717000030000,
         *       "messageType": "out",
         *       "tags": [
         *         "notes-db"
         *       ]
         *     }
         */
        SiteLogMessageDTO: {
            message: string;
            timestamp: components["schemas"]["EpochMillis"];
            /** @enum {string} */
            messageType: "out" | "err";
            /** @description App service name for relayed output; bind or app service name for deployment messages. */
            tags: string[];
        };
        /** @description Copies and production statistics of an application. */
        AppInstanceStatisticsDTO: {
            appInstanceId: string;
            appCopies: components["schemas"]["AppInstanceCopyStatisticsDTO"][];
            productionCopyStatistics: components["schemas"]["ProductionCopyStatisticsDTO"][];
        };
        /** @description Storage of one running data service. */
        ProductionCopyStatisticsDTO: {
            /** @description The DSB URN. */
            dsbName: string;
            bindName: string;
            /** @description As reported by the DSB. */
            storageType: string | null;
            /**
             * Format: int64
             * @description Bytes, as reported by the DSB (0 when unknown).
             */
            size: number;
        };
        /**
         * @description An application copy (orcs `AppInstanceCopyStatisticsDTO`).
         * @example {
         *       "copyId": "8d1c2b3a-4e5f-4a6b-9c7d-0e1f2a3b4c5d",
         *       "timeStamp": 1717003600000,
         *       "size": 52431,
         *       "state": "created",
         *       "dataServiceCopies": [
         *         {
         *           "copyId": "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9",
         *           "dsbUrn": "postgres-dsb",
         *           "bindName": "notes-db",
         *           "timeStamp": 1717003600000,
         *           "repoId": "default",
         *           "facility": "shpanCopy",
         *           "copyRepositoryURN": "fs-crb",
         *           "copyRepositoryName": "fs-crb",
         *           "copyRepositoryProtocol": "shpanRest",
         *           "copyRepositoryProtocolVersion": "1.0",
         *           "size": 52431,
         *           "status": "created"
         *         }
         *       ],
         *       "appServiceCopies": [
         *         {
         *           "appServiceName": "notes-svc",
         *           "appImageName": "notes-app",
         *           "appimageType": "nodejs",
         *           "appImageVersion": "1.0.0",
         *           "timeStamp": 1717003600000,
         *           "appServiceConfiguration": {},
         *           "status": "created"
         *         }
         *       ]
         *     }
         */
        AppInstanceCopyStatisticsDTO: {
            /** @description The application copy id. */
            copyId: string;
            timeStamp: components["schemas"]["EpochMillis"];
            /**
             * Format: int64
             * @description Sum of the data-service copy sizes (bytes).
             */
            size: number;
            /**
             * @description creating (scheduled or in progress), created, failed.
             * @enum {string}
             */
            state: "creating" | "created" | "failed";
            dataServiceCopies: components["schemas"]["DataServiceCopyStatisticsDTO"][];
            appServiceCopies: components["schemas"]["AppServiceCopyStatisticsDTO"][];
        };
        /**
         * @description State of one data-service or app-service part of an application copy.
         * @enum {string}
         */
        CopyPartState: "pending" | "queued" | "running" | "created" | "failed";
        /** @description One data-service copy of an application copy. Fields from the CRB metadata are `"N/A"` (strings) or 0 when the CRB is unknown or cannot be read. */
        DataServiceCopyStatisticsDTO: {
            /** @description The data-service copy id (the object id in the CRB). */
            copyId: string;
            dsbUrn: string;
            bindName: string;
            timeStamp: components["schemas"]["EpochMillis"];
            /** @description Repository in the CRB. */
            repoId: string | null;
            /** @description Copy facility (copy type), e.g. `shpanCopy`; becomes `restoreFacility`. */
            facility: string | null;
            /** @description URN of the CRB holding it. */
            copyRepositoryURN: string | null;
            copyRepositoryName: string | null;
            /** @description Copy protocol, e.g. `shpanRest`. */
            copyRepositoryProtocol: string | null;
            copyRepositoryProtocolVersion: string | null;
            /**
             * Format: int64
             * @description Bytes.
             */
            size: number;
            status: components["schemas"]["CopyPartState"];
        };
        /** @description What an app service was running when the copy was taken. */
        AppServiceCopyStatisticsDTO: {
            appServiceName: string;
            appImageName: string;
            /** @description Spelled as orcs does (`getAppimageType`). */
            appimageType: string | null;
            appImageVersion: string;
            timeStamp: components["schemas"]["EpochMillis"];
            appServiceConfiguration: {
                [key: string]: string;
            };
            status: components["schemas"]["CopyPartState"];
        };
        /** @description A registered PSB. */
        SitePsbInfoDto: {
            urn: string;
            name: string;
            /** @description Matched (case-insensitive) against app services' `psbType`. */
            type: string;
            version: string;
        };
        /** @description A registered PSB with its spaces. */
        SitePsbDetailedInfoDto: components["schemas"]["SitePsbInfoDto"] & {
            spaces: components["schemas"]["PsbSpaceDto"][];
        };
        /** @description A space of a PSB. */
        PsbSpaceDto: {
            name: string;
            properties?: {
                [key: string]: string;
            } | null;
        };
        /** @description A registered CRB. */
        SiteCopyRepoInfoDTO: {
            urn: string;
            /** @description Its registered URL (prefix of the CRB paths). */
            url: string;
            name: string;
            /** @description The CRB's `repoType`. */
            type: string;
            version: string;
        };
        /**
         * @description A registered DSB as the catalog shows it (orcs `SupportedServiceDto`).
         * @example {
         *       "urn": "postgres-dsb",
         *       "name": "postgres-dsb",
         *       "type": "postgres",
         *       "description": "PostgreSQL databases",
         *       "plans": [
         *         {
         *           "id": "standard",
         *           "name": "Standard",
         *           "description": "One database",
         *           "price": "0",
         *           "supportedProtocols": [
         *             {
         *               "protocolName": "postgres",
         *               "protocolVersion": "16",
         *               "properties": {}
         *             }
         *           ],
         *           "dsbSettings": {}
         *         }
         *       ]
         *     }
         */
        SupportedServiceDto: {
            urn: string;
            name: string;
            /** @description Kind of data service, e.g. `postgres`. */
            type: string;
            description: string | null;
            plans: components["schemas"]["SupportedServicePlanDto"][];
        };
        /** @description A plan of a DSB. */
        SupportedServicePlanDto: {
            /** @description Plan id, as sent in `plan` of a data-service manifest. */
            id: string;
            name: string;
            description: string | null;
            price: string | null;
            supportedProtocols: components["schemas"]["SupportedServiceProtocolDto"][];
            /** @description Settings the DSB applies to instances of this plan. */
            dsbSettings: {
                [key: string]: string;
            } | null;
        };
        /** @description A protocol instances of a plan speak. */
        SupportedServiceProtocolDto: {
            /** @description e.g. `postgres`, `mongodb`, `s3`. */
            protocolName: string;
            protocolVersion: string | null;
            properties: {
                [key: string]: string;
            } | null;
        };
        /** @description A data-service instance at a DSB. */
        ServiceInstanceInfo: {
            /** @description The instance id. */
            name: string;
            /** @description The DSB URN. */
            dsb: string;
            /** @description The DSB type. */
            type: string;
            /** @description Always null (as orcs). */
            basedOnCopyId: string | null;
        };
        /**
         * @description Extension (not in orcs): body of `grant-copy-access`.
         * @example {
         *       "copyRepoURN": "crb",
         *       "copyId": "1b2c3d4e-0000-4000-8000-000000000001",
         *       "access": "read"
         *     }
         */
        GrantCopyAccessCommandArgs: {
            /** @description URN of a CRB registered on this Site. */
            copyRepoURN: string;
            /** @description Data-service copy id. */
            copyId: string;
            /** @description For `write`: the repository (default the CRB's first). */
            repoId?: string;
            /**
             * @description `read` the copy, `write` it (metadata and data, once), or `transfer` it to another CRB (and read it).
             * @enum {string}
             */
            access: "read" | "write" | "transfer";
            /** @description Lifetime of the credential (default 3600). */
            ttlSeconds?: number;
        };
        /**
         * @description Extension (not in orcs): where and until when a scoped copy credential works.
         * @example {
         *       "url": "http://127.0.0.1:8082/crb/cap/eyJhbGciOiJIUzI1NiJ9.e30.sig",
         *       "repoId": null,
         *       "expiresAt": 1717003600000
         *     }
         */
        CopyAccessGrant: {
            /** @description The CRB URL to use, capability prefix included (secret: it is the credential). */
            url: string;
            /** @description Repository the grant is for (`write`), else null. */
            repoId: string | null;
            /**
             * Format: int64
             * @description Epoch milliseconds; null for a CRB without grants.
             */
            expiresAt: number | null;
        };
        /**
         * @description Register a DSB.
         * @example {
         *       "dsbUrn": "postgres-dsb",
         *       "dsbUrl": "http://127.0.0.1:8083/dsb"
         *     }
         */
        RegisterDsbToSiteCommandArgs: {
            /** @description Name the Site and templates use for the DSB. */
            dsbUrn: string;
            /** @description Registered URL: the prefix of the DSB paths. */
            dsbUrl: string;
            /** @description Extension (not in orcs): the bearer token the DSB expects: the Site sends it on every call to it. Stored, never returned by any read; omit it for a peer that needs none. */
            token?: string;
        };
        /**
         * @description Register a PSB.
         * @example {
         *       "psbUrn": "process-psb",
         *       "psbUrl": "http://127.0.0.1:8082"
         *     }
         */
        RegisterPsbToSiteCommandArgs: {
            psbUrn: string;
            /** @description Registered URL: the prefix of the `/psb/...` paths. */
            psbUrl: string;
            /** @description Extension (not in orcs): the bearer token the PSB expects: the Site sends it on every call to it. Stored, never returned by any read; omit it for a peer that needs none. */
            token?: string;
        };
        /**
         * @description Register a CRB.
         * @example {
         *       "crbUrn": "fs-crb",
         *       "crbUrl": "http://127.0.0.1:8084/crb"
         *     }
         */
        RegisterCrbToSiteCommandArgs: {
            crbUrn: string;
            /** @description Registered URL: the prefix of the CRB paths. */
            crbUrl: string;
            /** @description Extension (not in orcs): the bearer token the CRB expects: the Site sends it on every call to it. Stored, never returned by any read; omit it for a peer that needs none. */
            token?: string;
        };
        /**
         * @description Unregister a DSB.
         * @example {
         *       "dsbUrn": "postgres-dsb"
         *     }
         */
        RemoveDsbFromSiteCommandArgs: {
            dsbUrn: string;
        };
        /**
         * @description Unregister a CRB.
         * @example {
         *       "crbUrn": "fs-crb"
         *     }
         */
        RemoveCrbFromSiteCommandArgs: {
            crbUrn: string;
        };
        /**
         * @description Create a repository inside a registered CRB.
         * @example {
         *       "crbUrn": "fs-crb",
         *       "crName": "nightly",
         *       "crProperties": {
         *         "addr": "/srv/copies",
         *         "user": "ocopea",
         *         "password": "secret"
         *       }
         *     }
         */
        AddCrToSiteCommandArgs: {
            /** @description The CRB to create it in. */
            crbUrn: string;
            /** @description Name of the new repository. */
            crName: string;
            /** @description CRB-specific properties (orcs fs-crb required `addr`, `user`, `password`). */
            crProperties?: {
                [key: string]: string;
            };
        };
        /**
         * @description An artifact registry of the Site.
         * @example {
         *       "name": "local",
         *       "type": "customRest",
         *       "parameters": {
         *         "url": "http://127.0.0.1:8090/artifacts"
         *       }
         *     }
         */
        SiteArtifactRegistryInfoDTO: {
            name: string;
            /**
             * @description Kind of registry.
             * @enum {string}
             */
            type: "mavenRepository" | "dockerRegistry" | "customRest";
            /** @description `url` and, for maven/docker, `username`. Never contains `password`. */
            parameters: {
                [key: string]: string;
            };
        };
        /**
         * @description Add a `customRest` registry.
         * @example {
         *       "name": "local",
         *       "url": "http://127.0.0.1:8090/artifacts"
         *     }
         */
        AddCustomArtifactRegistryToSiteCommandArgs: {
            /** @description Registry name, referenced by `artifactRegistryName`. */
            name: string;
            /** @description Base URL; `GET {url}/{artifactId}` lists versions. */
            url: string;
        };
        /**
         * @description Add a Maven repository or a Docker registry.
         * @example {
         *       "name": "docker-hub",
         *       "url": "https://registry.hub.docker.com",
         *       "username": null,
         *       "password": null
         *     }
         */
        AddCredentialedArtifactRegistryToSiteCommandArgs: {
            /** @description Registry name, referenced by `artifactRegistryName`. */
            name: string;
            url: string;
            username?: string | null;
            /** @description Stored by the Site and passed to PSBs; never listed. */
            password?: string | null;
        };
        /**
         * @description Remove an artifact registry.
         * @example {
         *       "artifactRegistryName": "local"
         *     }
         */
        RemoveArtifactRegistryFromSiteCommandArgs: {
            artifactRegistryName: string;
        };
        /**
         * @description What to deploy (orcs `DeployApplicationOnSiteCommandArgs`, built by the Hub from a template and a deployment plan).
         * @example {
         *       "appInstanceId": "3f2a9c1e-0b7d-4c55-9f0e-1a2b3c4d5e6f",
         *       "appInstanceName": "notes",
         *       "appTemplateName": "notes-app",
         *       "appTemplateVersion": "1.0",
         *       "entryPointService": "notes-svc",
         *       "appServiceTemplates": {
         *         "notes-svc": {
         *           "appServiceName": "notes-svc",
         *           "psbType": "process",
         *           "space": "default",
         *           "artifactRegistryName": "local",
         *           "imageName": "notes-app",
         *           "imageType": "nodejs",
         *           "imageVersion": "1.0.0",
         *           "psbSettings": {},
         *           "environmentVariables": {
         *             "DATABASE_URL": "postgres://${notes-db.user}:${notes-db.password}@${notes-db.server}:${notes-db.port}/${notes-db.database}"
         *           },
         *           "route": "notes",
         *           "exposedPorts": [
         *             8080
         *           ],
         *           "httpPort": 8080,
         *           "dependencies": [
         *             "notes-db"
         *           ]
         *         }
         *       },
         *       "dataServices": {
         *         "notes-db": {
         *           "dataServiceName": "notes-db",
         *           "dsbUrn": "postgres-dsb",
         *           "plan": "standard",
         *           "dsbSettings": {},
         *           "restoreInfo": null
         *         }
         *       },
         *       "appPolicies": [
         *         {
         *           "policyType": "protection",
         *           "policyName": "hourly",
         *           "policySettings": {
         *             "intervalSeconds": "3600",
         *             "retainCount": "24"
         *           }
         *         }
         *       ]
         *     }
         */
        DeployApplicationOnSiteCommandArgs: {
            /**
             * Format: uuid
             * @description Id chosen by the Hub; unique on the Site.
             */
            appInstanceId: string;
            appInstanceName: string;
            appTemplateName: string;
            appTemplateVersion?: string | null;
            /** @description App service whose public URL becomes the application's `entryPointURL`. */
            entryPointService?: string | null;
            /** @description App services to deploy, keyed by app service name. */
            appServiceTemplates?: {
                [key: string]: components["schemas"]["DeployAppServiceOnSiteManifestDTO"];
            };
            /** @description Data services, keyed by bind name. */
            dataServices?: {
                [key: string]: components["schemas"]["DeployDataServiceOnSiteManifestDTO"];
            };
            /** @description Policies; only `policyType` "protection" is acted upon. */
            appPolicies?: components["schemas"]["DeployAppPolicyInfoDTO"][] | null;
        };
        /** @description One app service to deploy. */
        DeployAppServiceOnSiteManifestDTO: {
            appServiceName: string;
            /** @description Type of PSB to run it on (case-insensitive). */
            psbType: string;
            /** @description Space at that PSB. */
            space: string;
            /** @description A registry of this Site. */
            artifactRegistryName: string;
            imageName: string;
            /** @description e.g. `java`, `nodejs` (informational). */
            imageType?: string | null;
            imageVersion: string;
            psbSettings?: {
                [key: string]: string;
            } | null;
            /** @description Passed verbatim to the PSB, which expands `${<bindName>.<bindInfoKey>}` placeholders. */
            environmentVariables?: {
                [key: string]: string;
            } | null;
            route?: string | null;
            exposedPorts?: number[] | null;
            /** Format: int32 */
            httpPort?: number | null;
            /** @description Bind names (keys of `dataServices`) this app service uses. */
            dependencies?: string[] | null;
        };
        /** @description One data service to create. */
        DeployDataServiceOnSiteManifestDTO: {
            /** @description The bind name (same as the map key). */
            dataServiceName?: string;
            /** @description A DSB registered on this Site. */
            dsbUrn: string;
            /** @description A plan id of that DSB. */
            plan: string;
            /** @description Instance settings; the plan's `dsbSettings` and `{"plan": <plan id>}` are laid over them. */
            dsbSettings?: {
                [key: string]: string;
            } | null;
            restoreInfo?: components["schemas"]["DeployDataServiceRestoreInfoDTO"];
        };
        /** @description The data-service copy to create the instance from (values of a `DataServiceCopyStatisticsDTO`); null or absent for an empty instance. */
        DeployDataServiceRestoreInfoDTO: {
            /** @description URN of the CRB holding the copy (must be registered on this Site). */
            copyRepoUrn?: string;
            /** @description e.g. `shpanRest`. */
            copyRepoProtocol?: string;
            /** @description e.g. `1.0`. */
            copyRepoProtocolVersion?: string;
            /** @description The data-service copy id (a UUID). */
            copyId?: string;
            /** @description The copy's facility (copy type), e.g. `shpanCopy`. */
            restoreFacility?: string;
        } | null;
        /**
         * @description A policy of a deployed application. Only `policyType` "protection" is acted upon: once all data services
         *     are bound the Site takes a first copy and then one every `intervalSeconds`.
         *
         *     Extension (not in orcs): `policySettings` (strings) of a protection policy:
         *     - `intervalSeconds`: seconds between scheduled copies (default 86400, as orcs);
         *     - `retainCount`: keep only the last N copies of the application;
         *     - `retainSeconds`: delete copies older than this many seconds.
         *     Retention applies after each scheduled copy and deletes copies as `delete-app-copy` does; with both set, a
         *     copy is deleted when either rule says so; with neither, copies are kept.
         * @example {
         *       "policyType": "protection",
         *       "policyName": "hourly",
         *       "policySettings": {
         *         "intervalSeconds": "3600",
         *         "retainCount": "24",
         *         "retainSeconds": "604800"
         *       }
         *     }
         */
        DeployAppPolicyInfoDTO: {
            /** @description `protection` (others are ignored). */
            policyType: string;
            policyName?: string | null;
            policySettings?: {
                [key: string]: string;
            } | null;
        };
        /**
         * @description Take a copy of an application.
         * @example {
         *       "appInstanceId": "3f2a9c1e-0b7d-4c55-9f0e-1a2b3c4d5e6f"
         *     }
         */
        CreateAppCopyCommandArgs: {
            appInstanceId: string;
        };
        /**
         * @description Stop an application.
         * @example {
         *       "appInstanceId": "3f2a9c1e-0b7d-4c55-9f0e-1a2b3c4d5e6f"
         *     }
         */
        StopAppOnSiteCommandArgs: {
            appInstanceId: string;
        };
        /**
         * @description Extension (not in orcs): delete an application copy.
         * @example {
         *       "appCopyId": "8d1c2b3a-4e5f-4a6b-9c7d-0e1f2a3b4c5d"
         *     }
         */
        DeleteAppCopyCommandArgs: {
            appCopyId: string;
        };
        /**
         * @description Extension (not in orcs): phase of an operation; `succeeded` and `failed` are final.
         * @enum {string}
         */
        OperationPhase: "pending" | "running" | "succeeded" | "failed";
        /**
         * @description Extension (not in orcs): what an operation does (see `Operation`).
         * @enum {string}
         */
        OperationKind: "deploy" | "copy" | "stop" | "protect";
        /**
         * @description Extension (not in orcs): a record of long-running work, written before the work starts and advanced step by
         *     step; resumed after a restart until it reaches a final phase. Kinds:
         *     - `deploy`: a deploy-application command, until the application is `running` (or failed);
         *     - `copy`: a create-app-copy command (`appCopyId` set);
         *     - `stop`: a stop-app command;
         *     - `protect`: one scheduled run of a protection policy, a copy and the retention pass (`appCopyId` set once
         *       the copy is started).
         *     `steps` lists the named steps of this operation in order and `step` is the current one (the last one once
         *     final). Step names are defined by the Site (e.g. deploy: `create-data-services`, `bind-data-services`,
         *     `activate-policies`, `deploy-app-services`, `wait-app-services`); clients display them and must not
         *     depend on a particular list.
         * @example {
         *       "id": "5b7e0d2c-9a1f-4e3d-8c7b-6a5f4e3d2c1b",
         *       "kind": "deploy",
         *       "appInstanceId": "3f2a9c1e-0b7d-4c55-9f0e-1a2b3c4d5e6f",
         *       "appCopyId": null,
         *       "phase": "running",
         *       "step": "deploy-app-services",
         *       "steps": [
         *         "create-data-services",
         *         "bind-data-services",
         *         "activate-policies",
         *         "deploy-app-services",
         *         "wait-app-services"
         *       ],
         *       "progress": {
         *         "completed": 3,
         *         "total": 5
         *       },
         *       "error": null,
         *       "created": 1717000000000,
         *       "updated": 1717000045000
         *     }
         */
        Operation: {
            id: string;
            kind: components["schemas"]["OperationKind"];
            appInstanceId: string;
            appCopyId: string | null;
            phase: components["schemas"]["OperationPhase"];
            /** @description Current named step (one of `steps`). */
            step: string;
            /** @description The explicit list of steps for this operation, in order. */
            steps: string[];
            /** @description Steps completed out of the number of `steps`. */
            progress: {
                /** Format: int32 */
                completed: number;
                /** Format: int32 */
                total: number;
            };
            /** @description Why it failed (phase `failed`); null otherwise. */
            error: string | null;
            created: components["schemas"]["EpochMillis"];
            updated: components["schemas"]["EpochMillis"];
            /** @description Extension (not in orcs): the principal whose call started this operation (`name (role)`), or `system` for work the service started itself (scheduled protection, expiry). */
            startedBy?: string | null;
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
        /** @description The request is invalid (missing or malformed field, unknown reference, not a broker of that kind, ...). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The addressed application, copy, broker, registry or operation does not exist. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request conflicts with the current state (duplicate application id, broker in use, copy still being created, ...). */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A broker or registry the Site had to call cannot be reached or answered an error (`reason` `unavailable`; `message` names it). */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Unexpected failure. */
        Internal: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /** @description The application instance id (a UUID chosen by the Hub). */
        AppInstanceId: string;
        /** @description An application copy id (as answered by create-app-copy). */
        AppCopyId: string;
    };
    requestBodies: never;
    headers: {
        /**
         * @description Extension (not in orcs): id of the operation carrying the work this command started; read it at `/site/operations/{id}`. A stop-app that starts no new work names the latest stop operation of the application.
         * @example 5b7e0d2c-9a1f-4e3d-8c7b-6a5f4e3d2c1b
         */
        XOperationId: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getSiteInfo: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Site description. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SiteInfoDto"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
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
            /** @description The applications. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstanceInfoDTO"][];
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
                /** @description The application instance id (a UUID chosen by the Hub). */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The application. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstanceInfoDTO"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    getAppInstanceLogs: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The application instance id (a UUID chosen by the Hub). */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The log socket (one item). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       {
                     *         "address": "ws://site.local:8080/site-api/site/app-instance/3f2a9c1e-0b7d-4c55-9f0e-1a2b3c4d5e6f/logs",
                     *         "serialization": "json",
                     *         "tags": [
                     *           "notes-svc",
                     *           "notes-db"
                     *         ]
                     *       }
                     *     ]
                     */
                    "application/json": components["schemas"]["ServiceLogsWebSocketDTO"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    getAppInstanceCopyHistory: {
        parameters: {
            query?: {
                /** @description Inclusive lower bound (epoch ms). Absent or -1 = unbounded. */
                intervalStart?: number;
                /** @description Exclusive upper bound (epoch ms). Absent or -1 = unbounded. */
                intervalEnd?: number;
                /** @description Extension (not in orcs): at most this many copies (a page); absent = all of them, as orcs answered. */
                pageSize?: number;
                /** @description Extension (not in orcs): which page of `pageSize` copies, from 0 (default 0; only with `pageSize`). */
                pageNumber?: number;
            };
            header?: never;
            path: {
                /** @description The application instance id (a UUID chosen by the Hub). */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The copies, oldest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstanceCopyStatisticsDTO"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    getAppInstanceStats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The application instance id (a UUID chosen by the Hub). */
                appInstanceId: components["parameters"]["AppInstanceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The statistics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstanceStatisticsDTO"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    getAppCopy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description An application copy id (as answered by create-app-copy). */
                copyId: components["parameters"]["AppCopyId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The copy. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppInstanceCopyStatisticsDTO"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    downloadCopyData: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description URN of a registered CRB. */
                copyRepoURN: string;
                /** @description A data-service copy id (an object id in that CRB, not an application copy id). */
                copyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The data is at the CRB. */
            307: {
                headers: {
                    /** @description `{crbUrl}/copies/{copyId}/data` of the CRB registered under `copyRepoURN`. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    listPsbs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The PSBs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SitePsbInfoDto"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    listPsbsDetailed: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The PSBs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SitePsbDetailedInfoDto"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    listCopyRepos: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The CRBs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SiteCopyRepoInfoDTO"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    registerDsb: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterDsbToSiteCommandArgs"];
            };
        };
        responses: {
            /** @description Registered. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SupportedServiceDto"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    registerPsb: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterPsbToSiteCommandArgs"];
            };
        };
        responses: {
            /** @description Registered. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    registerCrb: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterCrbToSiteCommandArgs"];
            };
        };
        responses: {
            /** @description Registered. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    removeDsb: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RemoveDsbFromSiteCommandArgs"];
            };
        };
        responses: {
            /** @description Removed. */
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
            409: components["responses"]["Conflict"];
            default: components["responses"]["Internal"];
        };
    };
    removeCrb: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RemoveCrbFromSiteCommandArgs"];
            };
        };
        responses: {
            /** @description Removed. */
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
    addCr: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddCrToSiteCommandArgs"];
            };
        };
        responses: {
            /** @description Created. */
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
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    listArtifactRegistries: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The registries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SiteArtifactRegistryInfoDTO"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    listArtifactVersions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The artifact registry name. */
                name: string;
                /** @description The artifact (image) name. */
                artifactId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The versions. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       "1.0.0",
                     *       "1.1.0"
                     *     ]
                     */
                    "application/json": string[];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    addCustomArtifactRegistry: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddCustomArtifactRegistryToSiteCommandArgs"];
            };
        };
        responses: {
            /** @description Added. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    addDockerArtifactRegistry: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddCredentialedArtifactRegistryToSiteCommandArgs"];
            };
        };
        responses: {
            /** @description Added. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    addMavenArtifactRegistry: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddCredentialedArtifactRegistryToSiteCommandArgs"];
            };
        };
        responses: {
            /** @description Added. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    removeArtifactRegistry: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RemoveArtifactRegistryFromSiteCommandArgs"];
            };
        };
        responses: {
            /** @description Removed. */
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
    deployApplication: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeployApplicationOnSiteCommandArgs"];
            };
        };
        responses: {
            /** @description Accepted; deployment proceeds asynchronously. */
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
            409: components["responses"]["Conflict"];
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
                "application/json": components["schemas"]["CreateAppCopyCommandArgs"];
            };
        };
        responses: {
            /** @description The application copy id. */
            200: {
                headers: {
                    "X-Operation-Id": components["headers"]["XOperationId"];
                    [name: string]: unknown;
                };
                content: {
                    /** @example 8d1c2b3a-4e5f-4a6b-9c7d-0e1f2a3b4c5d */
                    "application/json": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
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
                "application/json": components["schemas"]["StopAppOnSiteCommandArgs"];
            };
        };
        responses: {
            /** @description Accepted; stopping proceeds asynchronously. */
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
            default: components["responses"]["Internal"];
        };
    };
    grantCopyAccess: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GrantCopyAccessCommandArgs"];
            };
        };
        responses: {
            /** @description The capability URL. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CopyAccessGrant"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    deleteAppCopy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeleteAppCopyCommandArgs"];
            };
        };
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
            409: components["responses"]["Conflict"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
    listOperations: {
        parameters: {
            query?: {
                /** @description Only operations of this application. */
                appInstanceId?: string;
                /** @description Only operations in this phase. */
                phase?: components["schemas"]["OperationPhase"];
                /** @description Only operations of this kind. */
                kind?: components["schemas"]["OperationKind"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The operations. */
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
                /** @description The operation id. */
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
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            default: components["responses"]["Internal"];
        };
    };
    listDsbCatalog: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The DSBs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SupportedServiceDto"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    listDsbServiceInstances: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The instances. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceInstanceInfo"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            default: components["responses"]["Internal"];
        };
    };
    listDsbServiceInstancesOfDsb: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description URN of a registered DSB. */
                dsbUrn: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The instances. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceInstanceInfo"][];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["Unavailable"];
            default: components["responses"]["Internal"];
        };
    };
}
